"""What `cargo xtask api-check` tells schemathesis about rules the OpenAPI document states but
its generator cannot act on by itself. Each is written in the document too; none of them turns
a check off or hides an answer: they only make the generated requests keep those rules, as a
real client does. Loaded through SCHEMATHESIS_HOOKS (see xtask/src/api_check.rs).
"""

import base64
import re
import uuid
from datetime import date, datetime, timedelta, timezone

import schemathesis
from hypothesis import strategies as st
from schemathesis.transport.serialization import Binary

# 1. A photo upload's `media` part (`format: binary`, the only binary in the document) is a JPEG,
#    PNG or WebP, as its `encoding` says, and the server checks its content, not its name.
#    schemathesis draws `binary` from its own samples (PDF, ZIP, GIF...) and random bytes; here it
#    draws one of these, the smallest valid file of each type:
PHOTOS = {
    "image/png": base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
    ),
    "image/webp": base64.b64decode("UklGRhoAAABXRUJQVlA4TA4AAAAvAAAAAAcQEf0PRET/Aw=="),
    "image/jpeg": base64.b64decode(
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAFA3PEY8MlBGQUZaVVBfeMiCeG5uePWvuZHI////////////////////////////"
        "////////////////////////wAALCAABAAEBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgED"
        "AwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RF"
        "RkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJ"
        "ytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/AKVf/9k="
    ),
}
schemathesis.openapi.format("binary", st.sampled_from(list(PHOTOS.values())).map(Binary))

# 2. `Idempotency-Key` is the client's id for one action: a new one per action (the same key with
#    another request is refused with 422, by design). A key that keeps the header's pattern is
#    made unique; a malformed one (a negative test of the pattern) is sent as generated.
KEY = re.compile(r"^[!-~]{1,255}$")

# 3. GET requests.json: with both `start_date` and `end_date`, the window must be in order and
#    span at most 90 days (GeoReport v2: "may not span more than 90 days"); a rule between two
#    parameters, which OpenAPI cannot state in a schema (the parameters' descriptions say it). A
#    window that breaks it is sent without `end_date`, which the server reads as start + 90 days.
HCMC = timezone(timedelta(hours=7))


def w3c(text):
    """A w3 date/time as the server reads it (`model::w3c_time`), or None. Python's dates start
    at year 1, the server's at year 0: year 0 is read as year 1 (a window from it is long anyway)."""
    text = text.strip()
    # An unescaped `+` before the offset arrives as a blank; the server reads it as `+`.
    text = re.sub(r" ([0-9]{2}:[0-9]{2})$", r"+\1", text)
    if text.startswith("0000"):
        text = "0001" + text[4:]
    text = re.sub(r"(\.[0-9]{6})[0-9]+", r"\1", text)
    try:
        if re.fullmatch(r"[0-9]{4}", text):
            return datetime(int(text), 1, 1, tzinfo=HCMC)
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
            return datetime(int(text[:4]), int(text[5:]), 1, tzinfo=HCMC)
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return datetime.fromisoformat(text).replace(tzinfo=HCMC)
        if "T" in text:
            t = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return t if t.tzinfo else None
    except ValueError:
        return None
    return None


# 4. POST /api/v1/staff/dossiers/{code}/status: a supplement request's `due` is not before the day
#    it is asked, Vietnam time (`SupplementRequest::check`); a rule against the clock, which a
#    schema cannot state (the field's description says it). An earlier date is sent as today.
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def due_not_past(body):
    supplement = body.get("supplement") if isinstance(body, dict) else None
    due = supplement.get("due") if isinstance(supplement, dict) else None
    if not (isinstance(due, str) and DATE.match(due)):
        return
    today = datetime.now(HCMC).date()
    try:
        past = date.fromisoformat(due) < today
    except ValueError:
        # Year 0 (valid for the schema, not for Python) is in the past too; other dates that do
        # not exist are left as generated.
        past = due.startswith("0000-")
    if past:
        supplement["due"] = today.isoformat()


# 5. GET /api/v1/map/reports.geojson: `bbox` is `west,south,east,north` with longitudes in
#    -180..180, latitudes in -90..90, west <= east and south <= north; the pattern states the
#    shape, the parameter's description the ranges and the order, which a pattern cannot. A box
#    of the pattern's shape is sent clamped to the ranges and in order.
BBOX = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{1,12})?(,-?[0-9]{1,3}(\.[0-9]{1,12})?){3}$")


def bbox_in_order(text):
    w, s, e, n = (float(v) for v in text.split(","))
    clamp = lambda v, m: max(-m, min(m, v))
    w, e = sorted((clamp(w, 180.0), clamp(e, 180.0)))
    s, n = sorted((clamp(s, 90.0), clamp(n, 90.0)))
    return f"{w!r},{s!r},{e!r},{n!r}"


# 6. The scoreboard's `at` is a day that exists, from 2000-01-01 to today, Vietnam time (the
#    parameter's description says it; the pattern states only the shape `YYYY-MM-DD`): a rule
#    of the calendar and the clock. A text of that shape that is no such day is sent as today.
SCOREBOARDS = ("/api/v1/scoreboard", "/api/v1/wards/{code}/scoreboard")


def at_in_range(query):
    at = query.get("at") if query else None
    if not (isinstance(at, str) and DATE.match(at.strip())):
        return
    today = datetime.now(HCMC).date()
    try:
        outside = not (date(2000, 1, 1) <= date.fromisoformat(at.strip()) <= today)
    except ValueError:
        outside = True
    if outside:
        query["at"] = today.isoformat()
# 7. POST /api/v1/staff/surveys, PUT /api/v1/staff/surveys/{id}, POST /api/v1/staff/announcements:
#    a window ends after it starts (`SurveySpec::check`, `AnnouncementSpec::check`); a rule between
#    two fields, which a schema cannot state (the fields' descriptions say it). A window that
#    breaks it is sent ending one day after it starts.
WINDOWS = {
    "/api/v1/staff/surveys": ("opens_at", "closes_at"),
    "/api/v1/staff/surveys/{id}": ("opens_at", "closes_at"),
    "/api/v1/staff/announcements": ("valid_from", "valid_until"),
}


def rfc3339(text):
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, TypeError):
        return None
    return t if t.tzinfo else None


def window_in_order(path, body):
    fields = WINDOWS.get(path)
    if not fields or not isinstance(body, dict):
        return
    start, end = (body.get(f) for f in fields)
    t0, t1 = rfc3339(start) if isinstance(start, str) else None, rfc3339(end) if isinstance(end, str) else None
    if t0 is None or t1 is None:
        return
    try:
        broken = t1 <= t0
        later = (t0 + timedelta(days=1)).isoformat()
    except OverflowError:
        broken, later = t1 <= t0, None
    if broken:
        body[fields[1]] = later if later else "9999-12-31T23:59:59Z"
        if later is None and t0 >= datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc):
            body[fields[0]] = "2026-01-01T00:00:00Z"


@schemathesis.hook
def before_call(context, case, kwargs):
    # The case's own containers: schemathesis re-checks a case a hook edited before judging it.
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and KEY.match(str(headers[name])):
            headers[name] = str(uuid.uuid4())
    if case.operation.path == "/api/v1/staff/dossiers/{code}/status":
        due_not_past(case.body)
    window_in_order(case.operation.path, case.body)
    query = case.query
    if case.operation.path == "/api/v1/map/reports.geojson" and query and BBOX.match(str(query.get("bbox", "")).strip()):
        query["bbox"] = bbox_in_order(str(query["bbox"]).strip())
    if case.operation.path in SCOREBOARDS:
        at_in_range(query)
    if case.operation.path == "/open311/v2/requests.json" and case.method.upper() == "GET" and query:
        start, end = w3c(str(query.get("start_date", ""))), w3c(str(query.get("end_date", "")))
        if start and end:
            try:
                broken = end < start or end - start > timedelta(days=90)
            except OverflowError:
                broken = True
            if broken:
                del query["end_date"]
