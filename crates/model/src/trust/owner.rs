//! A report's owner key: 256 random bits the app makes when the citizen sends the report, kept
//! with it on the device and sent as `owner_key` with the report and with each follow-up that
//! only the filer may make (photos, "not fixed", the rating). The city stores only its SHA-256.
//! One key per report, never derived from the device, so an anonymous report links to nothing.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// The form field that carries it.
pub const FIELD: &str = "owner_key";

#[derive(Clone, PartialEq, Eq)]
pub struct OwnerKey([u8; 32]);

impl OwnerKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// 43 characters of unpadded base64url.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 43 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    pub fn to_text(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// What the city keeps: the key's SHA-256, hex.
    pub fn hash_hex(&self) -> String {
        Sha256::digest(self.0)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl fmt::Debug for OwnerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OwnerKey(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_hash_and_never_print() {
        let k = OwnerKey::from_bytes([1; 32]);
        assert_eq!(OwnerKey::parse(&k.to_text()), Some(k.clone()));
        assert_eq!(k.hash_hex().len(), 64);
        assert_ne!(k.hash_hex(), OwnerKey::from_bytes([2; 32]).hash_hex());
        assert_eq!(format!("{k:?}"), "OwnerKey(…)");
        for bad in ["", "x", &"A".repeat(42), &"A".repeat(44), &"é".repeat(22)] {
            assert_eq!(OwnerKey::parse(bad), None);
        }
    }
}
