//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1 between the app's sync worker and the city
//! API. Each request is forwarded on its own upstream connection (`Connection: close`), and
//! with probability `rate` one fault is played instead of a clean answer, chosen by a seeded
//! RNG so a failing seed can be replayed:
//!
//! - `drop`: the connection is closed before the request reaches the city;
//! - `reset`: the city gets and commits the request, the client gets a TCP reset instead of the
//!   answer (the case idempotency keys exist for);
//! - `truncate`: the city's answer is cut in the middle;
//! - `gateway`: the city commits, the client gets a 502;
//! - `delay`: the request waits 0.1–0.8 s before it goes on;
//! - `burst_503` / `burst_429`: the next 1–5 requests get 503 (sometimes with `Retry-After: 0`)
//!   or 429 with `Retry-After: 1`, without reaching the city.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MAX_HEAD: usize = 16 * 1024;
const MAX_BODY: usize = 4 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Drop,
    Reset,
    Truncate,
    Gateway,
    Delay,
    Burst503,
    Burst429,
}

const FAULTS: [Fault; 7] = [
    Fault::Drop,
    Fault::Reset,
    Fault::Truncate,
    Fault::Gateway,
    Fault::Delay,
    Fault::Burst503,
    Fault::Burst429,
];

/// What the proxy did, for the report.
#[derive(Default, Debug)]
pub struct Counters {
    pub requests: AtomicU64,
    pub drop: AtomicU64,
    pub reset: AtomicU64,
    pub truncate: AtomicU64,
    pub gateway: AtomicU64,
    pub delay: AtomicU64,
    pub bursts_503: AtomicU64,
    pub bursts_429: AtomicU64,
    /// Answers given by a burst (each burst gives 1–5).
    pub burst_answers: AtomicU64,
}

impl Counters {
    fn bump(&self, fault: Fault) {
        let c = match fault {
            Fault::Drop => &self.drop,
            Fault::Reset => &self.reset,
            Fault::Truncate => &self.truncate,
            Fault::Gateway => &self.gateway,
            Fault::Delay => &self.delay,
            Fault::Burst503 => &self.bursts_503,
            Fault::Burst429 => &self.bursts_429,
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// Link faults played (a burst counts once).
    pub fn faults(&self) -> u64 {
        [
            &self.drop,
            &self.reset,
            &self.truncate,
            &self.gateway,
            &self.delay,
            &self.bursts_503,
            &self.bursts_429,
        ]
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .sum()
    }

    pub fn summary(&self) -> String {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        format!(
            "drop {}, reset {}, truncate {}, 502 {}, delay {}, 503 bursts {}, 429 bursts {} ({} burst answers)",
            g(&self.drop),
            g(&self.reset),
            g(&self.truncate),
            g(&self.gateway),
            g(&self.delay),
            g(&self.bursts_503),
            g(&self.bursts_429),
            g(&self.burst_answers)
        )
    }
}

struct Dice {
    rng: fastrand::Rng,
    rate: f64,
    burst: Option<(Fault, u32)>,
    /// A fault played once, to the first request that starts with these bytes.
    once: Option<(Vec<u8>, Fault)>,
}

/// What to do with one request.
enum Plan {
    Forward,
    Play(Fault),
    BurstAnswer(Fault),
}

impl Dice {
    fn roll(&mut self, counters: &Counters, request: &[u8]) -> Plan {
        if self
            .once
            .as_ref()
            .is_some_and(|(start, _)| request.starts_with(start))
            && let Some((_, fault)) = self.once.take()
        {
            counters.bump(fault);
            return Plan::Play(fault);
        }
        if let Some((fault, left)) = self.burst.as_mut() {
            let fault = *fault;
            *left -= 1;
            if *left == 0 {
                self.burst = None;
            }
            counters.burst_answers.fetch_add(1, Ordering::Relaxed);
            return Plan::BurstAnswer(fault);
        }
        if self.rng.f64() >= self.rate {
            return Plan::Forward;
        }
        let fault = FAULTS[self.rng.usize(..FAULTS.len())];
        counters.bump(fault);
        if matches!(fault, Fault::Burst503 | Fault::Burst429) {
            let n = self.rng.u32(1..=5);
            if n > 1 {
                self.burst = Some((fault, n - 1));
            }
            counters.burst_answers.fetch_add(1, Ordering::Relaxed);
            return Plan::BurstAnswer(fault);
        }
        Plan::Play(fault)
    }
}

pub struct FaultProxy {
    pub addr: SocketAddr,
    pub counters: Arc<Counters>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on 127.0.0.1 (free port) and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr, seed: u64, rate: f64) -> std::io::Result<Self> {
        Self::listen(
            upstream,
            Dice {
                rng: fastrand::Rng::with_seed(seed),
                rate,
                burst: None,
                once: None,
            },
        )
        .await
    }

    /// Forwards everything to `upstream` but plays `fault` once, to the first request whose
    /// request line starts with `line_start` (e.g. `"POST /api/v1/devices "`).
    pub async fn once(
        upstream: SocketAddr,
        line_start: &str,
        fault: Fault,
    ) -> std::io::Result<Self> {
        Self::listen(
            upstream,
            Dice {
                rng: fastrand::Rng::with_seed(0),
                rate: 0.0,
                burst: None,
                once: Some((line_start.as_bytes().to_vec(), fault)),
            },
        )
        .await
    }

    async fn listen(upstream: SocketAddr, dice: Dice) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let dice = Arc::new(Mutex::new(dice));
        let c = counters.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (dice, counters) = (dice.clone(), c.clone());
                tokio::spawn(async move {
                    let _ = serve(client, upstream, &dice, &counters).await;
                });
            }
        });
        Ok(Self {
            addr,
            counters,
            task,
        })
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request: head (with `Connection: close` put in) and body. `None` at a clean end.
async fn read_request(client: &mut TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let mut chunk = [0_u8; 8192];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(std::io::Error::other("request head too large"));
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut length = 0_usize;
    let mut lines: Vec<&str> = Vec::new();
    for line in head.split("\r\n") {
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v
                .trim()
                .parse()
                .map_err(|_| std::io::Error::other("bad content-length"))?;
        }
        if lower.starts_with("transfer-encoding:") {
            return Err(std::io::Error::other("chunked requests are not proxied"));
        }
        if !lower.starts_with("connection:") {
            lines.push(line);
        }
    }
    if length > MAX_BODY {
        return Err(std::io::Error::other("request body too large"));
    }
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::other("request cut short"));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\nconnection: close\r\n\r\n");
    out.extend_from_slice(&body[..length]);
    Ok(Some(out))
}

async fn forward(upstream: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(request).await?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer).await?;
    Ok(answer)
}

fn canned(fault: Fault, rng_zero_retry: bool) -> Vec<u8> {
    let (status, extra) = match fault {
        Fault::Burst429 => ("429 Too Many Requests", "retry-after: 1\r\n"),
        Fault::Gateway => ("502 Bad Gateway", ""),
        _ if rng_zero_retry => ("503 Service Unavailable", "retry-after: 0\r\n"),
        _ => ("503 Service Unavailable", ""),
    };
    let code = &status[..3];
    let body = format!(
        r#"[{{"code":{code},"description":"injected by the fault proxy","reason":"proxy"}}]"#
    );
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    dice: &Mutex<Dice>,
    counters: &Counters,
) -> std::io::Result<()> {
    let Some(request) = read_request(&mut client).await? else {
        return Ok(());
    };
    counters.requests.fetch_add(1, Ordering::Relaxed);
    let (plan, zero_retry, delay_ms) = {
        let mut d = dice
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let plan = d.roll(counters, &request);
        (plan, d.rng.bool(), d.rng.u64(100..=800))
    };
    match plan {
        Plan::Forward => {
            let answer = forward(upstream, &request).await?;
            client.write_all(&answer).await?;
        }
        Plan::BurstAnswer(fault) => client.write_all(&canned(fault, zero_retry)).await?,
        Plan::Play(Fault::Drop) => {}
        Plan::Play(Fault::Delay) => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            let answer = forward(upstream, &request).await?;
            client.write_all(&answer).await?;
        }
        Plan::Play(Fault::Reset) => {
            forward(upstream, &request).await?;
            // Dropped with a zero linger: the client gets RST, not an orderly close.
            client.set_zero_linger()?;
            return Ok(());
        }
        Plan::Play(Fault::Truncate) => {
            let answer = forward(upstream, &request).await?;
            client.write_all(&answer[..answer.len() / 2]).await?;
        }
        Plan::Play(fault @ Fault::Gateway) => {
            forward(upstream, &request).await?;
            client.write_all(&canned(fault, false)).await?;
        }
        Plan::Play(fault @ (Fault::Burst503 | Fault::Burst429)) => {
            client.write_all(&canned(fault, zero_retry)).await?;
        }
    }
    let _ = client.shutdown().await;
    Ok(())
}
