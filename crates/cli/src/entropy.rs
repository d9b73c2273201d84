//! The operating system's randomness, for what the sans-IO cores cannot make themselves:
//! SCRAM nonces (client and broker) and the salts of `mqttscope broker`'s SCRAM users.

/// `n` random bytes from the operating system.
pub(crate) fn random_bytes(n: usize) -> Result<Vec<u8>, String> {
    let mut bytes = vec![0; n];
    getrandom::getrandom(&mut bytes).map_err(|e| format!("no randomness from the system: {e}"))?;
    Ok(bytes)
}

/// A fresh SCRAM nonce: 16 random bytes as 32 hex digits (printable, no comma).
pub(crate) fn nonce() -> Result<String, String> {
    let bytes = random_bytes(16)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
