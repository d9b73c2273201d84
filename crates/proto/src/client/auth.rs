//! MQTT 5 enhanced authentication (4.12): a pluggable [`Authenticator`] that produces the
//! Authentication Data for CONNECT and each AUTH step, and SCRAM (RFC 5802 / RFC 7677).

use std::fmt;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha512};

/// Why an authentication step failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError(pub String);

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AuthError {}

fn fail<T>(msg: impl Into<String>) -> Result<T, AuthError> {
    Err(AuthError(msg.into()))
}

/// One enhanced authentication method, run step by step by the client.
pub trait Authenticator: fmt::Debug + Send {
    /// The Authentication Method (`SCRAM-SHA-256`); every AUTH of an exchange names it.
    fn method(&self) -> &str;
    /// Starts an exchange: the Authentication Data for CONNECT or for AUTH 0x19.
    fn start(&mut self) -> Result<Option<Vec<u8>>, AuthError>;
    /// Answers the server's AUTH 0x18 (Continue authentication).
    fn challenge(&mut self, data: Option<&[u8]>) -> Result<Option<Vec<u8>>, AuthError>;
    /// Checks the data of the server's final success (CONNACK or AUTH 0x00).
    fn finish(&mut self, data: Option<&[u8]>) -> Result<(), AuthError>;
}

/// The hash of a SCRAM mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScramHash {
    /// SCRAM-SHA-256 (RFC 7677).
    Sha256,
    /// SCRAM-SHA-512.
    Sha512,
}

impl ScramHash {
    /// Every mechanism, strongest last.
    pub const ALL: [ScramHash; 2] = [ScramHash::Sha256, ScramHash::Sha512];

    /// The Authentication Method (and SASL mechanism name) of this hash:
    /// `SCRAM-SHA-256` or `SCRAM-SHA-512`.
    pub fn method(self) -> &'static str {
        match self {
            ScramHash::Sha256 => "SCRAM-SHA-256",
            ScramHash::Sha512 => "SCRAM-SHA-512",
        }
    }

    /// The mechanism an Authentication Method names, if it is one of ours (the name is
    /// compared exactly, as MQTT compares Authentication Methods).
    pub fn from_method(method: &str) -> Option<Self> {
        ScramHash::ALL.into_iter().find(|h| h.method() == method)
    }

    /// `H(data)` of RFC 5802: SHA-256 or SHA-512.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        hash(self, data)
    }

    /// `HMAC(key, data)` of RFC 5802 with this hash.
    pub fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        hmac(self, key, data)
    }

    /// `Hi(password, salt, iterations)` of RFC 5802, which is PBKDF2 with HMAC of this
    /// hash: the SaltedPassword. It takes time in proportion to `iterations`.
    pub fn salted_password(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        pbkdf2(self, password, salt, iterations)
    }
}

/// More PBKDF2 iterations than this from a server are refused, so that a hostile server
/// cannot stall the client (the RFC asks for at least 4,096).
pub const MAX_SCRAM_ITERATIONS: u32 = 600_000;

/// Where a SCRAM client takes a fresh nonce for each exchange: a cryptographically
/// random printable string (the driver's source of randomness; the core has none).
pub type NonceSource = Box<dyn FnMut() -> String + Send>;

/// A SCRAM client without channel binding (`n,,`).
pub struct Scram {
    hash: ScramHash,
    username: String,
    password: String,
    nonce: String,
    /// The nonce has been sent in an exchange: it must not be sent again (RFC 5802 5.1).
    used: bool,
    nonces: Option<NonceSource>,
    state: ScramState,
}

#[derive(Debug, Clone)]
enum ScramState {
    Initial,
    SentFirst { first_bare: String },
    SentFinal { server_signature: Vec<u8> },
}

impl fmt::Debug for Scram {
    /// Never prints the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scram")
            .field("hash", &self.hash)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl Scram {
    /// A SCRAM client for `username` / `password` for one exchange with `nonce`; a
    /// second exchange (a reconnect, a re-authentication) fails unless [`Scram::set_nonce`]
    /// gave it a fresh nonce first. Drivers use [`Scram::with_nonces`].
    pub fn new(hash: ScramHash, username: &str, password: &str, nonce: &str) -> Self {
        Scram {
            hash,
            username: username.to_owned(),
            password: password.to_owned(),
            nonce: nonce.to_owned(),
            used: false,
            nonces: None,
            state: ScramState::Initial,
        }
    }

    /// A SCRAM client that takes a fresh nonce from `nonces` for every exchange: every
    /// CONNECT, automatic reconnects included, and every re-authentication.
    pub fn with_nonces(
        hash: ScramHash,
        username: &str,
        password: &str,
        nonces: NonceSource,
    ) -> Self {
        Scram {
            nonces: Some(nonces),
            ..Scram::new(hash, username, password, "")
        }
    }

    /// Sets the nonce for the next exchange.
    pub fn set_nonce(&mut self, nonce: &str) {
        self.nonce = nonce.to_owned();
        self.used = false;
    }

    /// The nonce for a new exchange: fresh from the source, or the one given if unused.
    fn fresh_nonce(&mut self) -> Result<(), AuthError> {
        if let Some(next) = self.nonces.as_mut() {
            self.nonce = next();
        } else if self.used {
            return fail("a SCRAM nonce must not be used twice: give each exchange a fresh one");
        }
        if self.nonce.is_empty() || self.nonce.contains(',') {
            return fail("a SCRAM nonce must be printable and hold no comma");
        }
        self.used = true;
        Ok(())
    }

    fn client_final(&mut self, first_bare: &str, server_first: &str) -> Result<Vec<u8>, AuthError> {
        let attrs = |k| attr(server_first, k);
        let (Some(nonce), Some(salt), Some(iters)) = (attrs("r"), attrs("s"), attrs("i")) else {
            return fail(format!(
                "server-first-message lacks r, s or i: {server_first:?}"
            ));
        };
        if !nonce.starts_with(&self.nonce) || nonce.len() == self.nonce.len() {
            return fail("the server nonce does not extend ours");
        }
        let salt = B64
            .decode(salt)
            .map_err(|_| AuthError("the salt is not base64".into()))?;
        let iters: u32 = iters
            .parse()
            .map_err(|_| AuthError("the iteration count is not a number".into()))?;
        if !(1..=MAX_SCRAM_ITERATIONS).contains(&iters) {
            return fail(format!(
                "iteration count {iters} is outside 1..={MAX_SCRAM_ITERATIONS}"
            ));
        }
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{first_bare},{server_first},{without_proof}");
        let salted = pbkdf2(self.hash, self.password.as_bytes(), &salt, iters);
        let client_key = hmac(self.hash, &salted, b"Client Key");
        let signature = hmac(
            self.hash,
            &hash(self.hash, &client_key),
            auth_message.as_bytes(),
        );
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&signature)
            .map(|(a, b)| a ^ b)
            .collect();
        let server_key = hmac(self.hash, &salted, b"Server Key");
        let server_signature = hmac(self.hash, &server_key, auth_message.as_bytes());
        self.state = ScramState::SentFinal { server_signature };
        Ok(format!("{without_proof},p={}", B64.encode(proof)).into_bytes())
    }
}

impl Authenticator for Scram {
    fn method(&self) -> &str {
        self.hash.method()
    }

    fn start(&mut self) -> Result<Option<Vec<u8>>, AuthError> {
        self.fresh_nonce()?;
        let first_bare = format!("n={},r={}", escape(&self.username), self.nonce);
        let data = format!("n,,{first_bare}").into_bytes();
        self.state = ScramState::SentFirst { first_bare };
        Ok(Some(data))
    }

    fn challenge(&mut self, data: Option<&[u8]>) -> Result<Option<Vec<u8>>, AuthError> {
        let ScramState::SentFirst { first_bare } = self.state.clone() else {
            return fail("an unexpected SCRAM challenge");
        };
        let server_first = std::str::from_utf8(data.unwrap_or_default())
            .map_err(|_| AuthError("not UTF-8".into()))?;
        self.client_final(&first_bare, server_first).map(Some)
    }

    fn finish(&mut self, data: Option<&[u8]>) -> Result<(), AuthError> {
        let ScramState::SentFinal { server_signature } = &self.state else {
            return fail("the server finished before the SCRAM exchange did");
        };
        let text = std::str::from_utf8(data.unwrap_or_default())
            .map_err(|_| AuthError("not UTF-8".into()))?;
        if let Some(e) = attr(text, "e") {
            return fail(format!("the server refused: {e}"));
        }
        let v = attr(text, "v").ok_or_else(|| AuthError("server-final-message lacks v".into()))?;
        let got = B64
            .decode(v)
            .map_err(|_| AuthError("the server signature is not base64".into()))?;
        if got != *server_signature {
            return fail(
                "the server signature does not match: the server does not know the password",
            );
        }
        self.state = ScramState::Initial;
        Ok(())
    }
}

/// `=` and `,` in a SCRAM user name (RFC 5802 5.1). SASLprep is not applied.
fn escape(name: &str) -> String {
    name.replace('=', "=3D").replace(',', "=2C")
}

/// The value of attribute `key` in a SCRAM message (`r=…,s=…,i=…`).
fn attr<'a>(msg: &'a str, key: &str) -> Option<&'a str> {
    msg.split(',')
        .find_map(|kv| kv.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
}

/// HMAC with the mechanism's hash (keys of any length are accepted by HMAC).
pub(crate) fn hmac(h: ScramHash, key: &[u8], data: &[u8]) -> Vec<u8> {
    match h {
        ScramHash::Sha256 => mac::<Hmac<Sha256>>(key, data),
        ScramHash::Sha512 => mac::<Hmac<Sha512>>(key, data),
    }
}

fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = <M as hmac::digest::KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <M as hmac::digest::KeyInit>::new(&Default::default()));
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

pub(crate) fn hash(h: ScramHash, data: &[u8]) -> Vec<u8> {
    match h {
        ScramHash::Sha256 => Sha256::digest(data).to_vec(),
        ScramHash::Sha512 => Sha512::digest(data).to_vec(),
    }
}

pub(crate) fn pbkdf2(h: ScramHash, password: &[u8], salt: &[u8], iters: u32) -> Vec<u8> {
    match h {
        ScramHash::Sha256 => {
            pbkdf2::pbkdf2_hmac_array::<Sha256, 32>(password, salt, iters).to_vec()
        }
        ScramHash::Sha512 => {
            pbkdf2::pbkdf2_hmac_array::<Sha512, 64>(password, salt, iters).to_vec()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const SERVER_FIRST: &str =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    fn rfc7677() -> Scram {
        Scram::new(ScramHash::Sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO")
    }

    #[test]
    fn rfc_7677_exchange() {
        let mut s = rfc7677();
        assert_eq!(
            s.start().unwrap().as_deref(),
            Some(&b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO"[..])
        );
        let fin = s.challenge(Some(SERVER_FIRST.as_bytes())).unwrap().unwrap();
        assert_eq!(
            String::from_utf8(fin).unwrap(),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        assert_eq!(
            s.finish(Some(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")),
            Ok(())
        );
    }

    #[test]
    fn a_wrong_server_signature_or_an_error_is_refused() {
        let mut s = rfc7677();
        s.start().unwrap();
        s.challenge(Some(SERVER_FIRST.as_bytes())).unwrap();
        assert!(s
            .finish(Some(b"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
            .is_err());
        let mut s = rfc7677();
        s.start().unwrap();
        s.challenge(Some(SERVER_FIRST.as_bytes())).unwrap();
        assert_eq!(
            s.finish(Some(b"e=invalid-proof")),
            Err(AuthError("the server refused: invalid-proof".into()))
        );
    }

    #[test]
    fn hostile_server_first_messages_are_refused() {
        for bad in [
            "r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4000000000",
            "r=rOprNGfwEbeRWgbNEkqOx,s=!!,i=4096",
            "garbage",
        ] {
            let mut s = rfc7677();
            s.start().unwrap();
            assert!(s.challenge(Some(bad.as_bytes())).is_err(), "{bad}");
        }
    }

    #[test]
    fn user_names_are_escaped_and_the_password_never_printed() {
        let mut s = Scram::new(ScramHash::Sha512, "a=b,c", "secret", "n");
        assert_eq!(
            s.start().unwrap().as_deref(),
            Some(&b"n,,n=a=3Db=2Cc,r=n"[..])
        );
        assert!(!format!("{s:?}").contains("secret"));
        assert_eq!(s.method(), "SCRAM-SHA-512");
    }
}
