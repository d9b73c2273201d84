//! SCRAM's server side (RFC 5802; SCRAM-SHA-256 is RFC 7677): the users' stored keys,
//! the server-first-message, and the check of the client's proof. Plain functions over
//! the messages' text, on the hash, HMAC and PBKDF2 of `mqttscope-proto`'s client; the
//! MQTT exchange around them (CONNECT, AUTH, CONNACK) is in `auth.rs`.
//!
//! ```text
//!  client-first  n,,n=user,r=<client nonce>                    (CONNECT, or AUTH 0x19)
//!  server-first  r=<client nonce><server nonce>,s=<salt>,i=<n>  (AUTH 0x18)
//!  client-final  c=biws,r=<both nonces>,p=<proof>              (AUTH 0x18)
//!  server-final  v=<server signature>                          (CONNACK 0x00, or AUTH 0x00)
//! ```
//!
//! Channel binding is not offered: the gs2 header must be `n` or `y`. SASLprep is not
//! applied (as in the client): user names and passwords are compared as bytes.

use std::fmt;

use base64::engine::general_purpose::{STANDARD as B64, STANDARD_NO_PAD};
use base64::Engine;
use mqttscope_proto::client::ScramHash;

/// The iteration count RFC 7677 asks for at least, and what [`ScramUser::new`] callers
/// such as `mqttscope broker` use.
pub const DEFAULT_SCRAM_ITERATIONS: u32 = 4096;

/// A user for SCRAM enhanced authentication: the keys RFC 5802 has the server store,
/// derived once from the password, which is not kept.
#[derive(Clone, PartialEq, Eq)]
pub struct ScramUser {
    /// The user name the client-first-message must name (`n=`, unescaped).
    pub username: String,
    /// The mechanism these keys are for: SCRAM-SHA-256 or SCRAM-SHA-512 (a user who may
    /// use both needs an entry for each).
    pub hash: ScramHash,
    /// The salt sent to the client (random, per user; 16 bytes is customary).
    pub salt: Vec<u8>,
    /// The PBKDF2 iteration count sent to the client.
    pub iterations: u32,
    /// `H(HMAC(SaltedPassword, "Client Key"))`: checks the client's proof.
    pub stored_key: Vec<u8>,
    /// `HMAC(SaltedPassword, "Server Key")`: signs the server-final-message.
    pub server_key: Vec<u8>,
}

impl ScramUser {
    /// Derives the stored keys of `username` for `hash` from `password`, `salt` and
    /// `iterations` (this runs PBKDF2: its cost grows with `iterations`).
    pub fn new(
        hash: ScramHash,
        username: impl Into<String>,
        password: &[u8],
        salt: impl Into<Vec<u8>>,
        iterations: u32,
    ) -> Self {
        let salt = salt.into();
        let salted = hash.salted_password(password, &salt, iterations);
        ScramUser {
            username: username.into(),
            hash,
            stored_key: hash.digest(&hash.hmac(&salted, b"Client Key")),
            server_key: hash.hmac(&salted, b"Server Key"),
            salt,
            iterations,
        }
    }
}

impl fmt::Debug for ScramUser {
    /// Never prints the keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramUser")
            .field("username", &self.username)
            .field("hash", &self.hash)
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

/// Where an exchange stands after the server-first-message: what checking the
/// client-final-message needs.
#[derive(Clone)]
pub(crate) struct ServerFirst {
    hash: ScramHash,
    /// The user named (unescaped).
    pub username: String,
    /// Its keys (stored, server); `None` for an unknown user, whose exchange runs to the
    /// end on a made-up salt and then fails, so that it looks like a wrong password.
    keys: Option<(Vec<u8>, Vec<u8>)>,
    /// The client's gs2 header (`n,,`), which `c=` must repeat.
    gs2_header: String,
    /// Client and server nonce together, which `r=` must repeat.
    nonce: String,
    /// `client-first-message-bare "," server-first-message`: the AuthMessage's start.
    auth_start: String,
}

impl fmt::Debug for ServerFirst {
    /// Never prints the keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerFirst")
            .field("hash", &self.hash)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// Reads a client-first-message and answers it: the exchange's state and the
/// server-first-message. `server_nonce` must be fresh and printable without commas;
/// `mock_salt` gives the salt shown for a user that does not exist. An error says what
/// is wrong with the message.
pub(crate) fn server_first(
    users: &[ScramUser],
    hash: ScramHash,
    client_first: Option<&[u8]>,
    server_nonce: &str,
    mock_salt: impl FnOnce(&str) -> Vec<u8>,
) -> Result<(ServerFirst, String), String> {
    let text = utf8(client_first, "client-first-message")?;
    let (gs2_header, bare) = split_gs2(text)?;
    let mut attrs = bare.split(',');
    let username = match attrs.next().and_then(|a| a.strip_prefix("n=")) {
        Some(name) => unescape(name)?,
        None => {
            return Err(format!(
                "client-first-message-bare must start with n=: {bare:?}"
            ))
        }
    };
    let client_nonce = attrs
        .next()
        .and_then(|a| a.strip_prefix("r="))
        .filter(|n| is_nonce(n))
        .ok_or_else(|| format!("no printable nonce r= after the user name: {bare:?}"))?;
    let user = users
        .iter()
        .find(|u| u.hash == hash && u.username == username);
    let (salt, iterations) = match user {
        Some(u) => (u.salt.clone(), u.iterations),
        None => (mock_salt(&username), DEFAULT_SCRAM_ITERATIONS),
    };
    let nonce = format!("{client_nonce}{server_nonce}");
    let message = format!("r={nonce},s={},i={iterations}", B64.encode(salt));
    let state = ServerFirst {
        hash,
        username,
        keys: user.map(|u| (u.stored_key.clone(), u.server_key.clone())),
        gs2_header: gs2_header.to_owned(),
        nonce,
        auth_start: format!("{bare},{message}"),
    };
    Ok((state, message))
}

impl ServerFirst {
    /// Checks a client-final-message: the server-final-message (`v=…`) when the proof
    /// is right, else what is wrong.
    pub(crate) fn verify(&self, client_final: Option<&[u8]>) -> Result<String, String> {
        let text = utf8(client_final, "client-final-message")?;
        let (without_proof, proof) = text
            .rsplit_once(",p=")
            .ok_or("client-final-message without a proof p=")?;
        let mut attrs = without_proof.split(',');
        let binding = attrs.next().and_then(|a| a.strip_prefix("c="));
        if binding != Some(&B64.encode(&self.gs2_header)) {
            return Err(format!(
                "channel binding c= does not repeat the gs2 header: {binding:?}"
            ));
        }
        if attrs.next().and_then(|a| a.strip_prefix("r=")) != Some(&self.nonce) {
            return Err("the nonce r= is not the one the server sent".into());
        }
        let proof = B64
            .decode(proof)
            .map_err(|_| "the proof p= is not base64".to_owned())?;
        let Some((stored_key, server_key)) = &self.keys else {
            return Err(format!(
                "no {} user {:?}",
                self.hash.method(),
                self.username
            ));
        };
        let auth_message = format!("{},{without_proof}", self.auth_start);
        let signature = self.hash.hmac(stored_key, auth_message.as_bytes());
        if proof.len() != signature.len() {
            return Err(format!(
                "the proof is {} bytes, not {}",
                proof.len(),
                signature.len()
            ));
        }
        let client_key: Vec<u8> = proof.iter().zip(&signature).map(|(a, b)| a ^ b).collect();
        if !same(&self.hash.digest(&client_key), stored_key) {
            return Err(format!("wrong proof for {:?}", self.username));
        }
        let server_signature = self.hash.hmac(server_key, auth_message.as_bytes());
        Ok(format!("v={}", B64.encode(server_signature)))
    }
}

/// The gs2 header (`n,,` or `y,,`, with an optional `a=` authorization identity) and
/// the client-first-message-bare after it.
fn split_gs2(text: &str) -> Result<(&str, &str), String> {
    let mut parts = text.splitn(3, ',');
    let (Some(flag), Some(authzid), Some(bare)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!(
            "client-first-message without a gs2 header: {text:?}"
        ));
    };
    match flag {
        "n" | "y" => {}
        f if f.starts_with("p=") => return Err("channel binding is not supported".into()),
        f => return Err(format!("unknown channel binding flag {f:?}")),
    }
    if !authzid.is_empty() && !authzid.starts_with("a=") {
        return Err(format!("malformed authorization identity {authzid:?}"));
    }
    if bare.starts_with("m=") {
        return Err("a mandatory extension m= is not supported".into());
    }
    let header_len = flag.len() + authzid.len() + 2;
    Ok((&text[..header_len], bare))
}

/// A saslname with `=2C` and `=3D` decoded; any other `=` is malformed (RFC 5802 5.1).
fn unescape(name: &str) -> Result<String, String> {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find('=') {
        out.push_str(&rest[..at]);
        let code = rest.get(at..at + 3);
        out.push(match code {
            Some("=2C") => ',',
            Some("=3D") => '=',
            _ => return Err(format!("a bad escape in the user name {name:?}")),
        });
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Printable ASCII without a comma, at least one character (RFC 5802 `printable`).
fn is_nonce(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b',')
}

fn utf8<'a>(data: Option<&'a [u8]>, what: &str) -> Result<&'a str, String> {
    let data = data.ok_or_else(|| format!("no Authentication Data: the {what} is missing"))?;
    std::str::from_utf8(data).map_err(|_| format!("the {what} is not UTF-8"))
}

/// Equal bytes, compared in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The server nonces' source: HMAC-SHA-256 in counter mode, keyed by what the driver
/// gave [`crate::Broker::add_entropy`] (the core has no randomness of its own). Until it
/// has had [`Nonces::MIN_ENTROPY`] bytes it gives no nonce, and SCRAM is refused.
#[derive(Default)]
pub(crate) struct Nonces {
    key: Vec<u8>,
    seeded: usize,
    counter: u64,
    /// Fixed at the first full seeding: the made-up salts of unknown users must not
    /// change between attempts, or they would give those users away.
    mock_key: Option<Vec<u8>>,
}

impl Nonces {
    /// Bytes of entropy needed before the first nonce.
    pub(crate) const MIN_ENTROPY: usize = 16;

    /// Mixes `bytes` into the key.
    pub(crate) fn add(&mut self, bytes: &[u8]) {
        let h = ScramHash::Sha256;
        self.key = h.digest(&[&self.key[..], bytes].concat());
        self.seeded = self.seeded.saturating_add(bytes.len());
        if self.seeded >= Self::MIN_ENTROPY && self.mock_key.is_none() {
            self.mock_key = Some(h.hmac(&self.key, b"mock salt"));
        }
    }

    /// A fresh nonce (24 base64 characters, 144 bits), or `None` before enough entropy.
    pub(crate) fn next(&mut self) -> Option<String> {
        if self.seeded < Self::MIN_ENTROPY {
            return None;
        }
        self.counter += 1;
        let block = ScramHash::Sha256.hmac(&self.key, &self.counter.to_be_bytes());
        Some(STANDARD_NO_PAD.encode(&block[..18]))
    }

    /// The salt shown for `username`, who has no keys for `hash`: the same every time.
    pub(crate) fn mock_salt(&self, hash: ScramHash, username: &str) -> Vec<u8> {
        let key = self.mock_key.as_deref().unwrap_or_default();
        let input = [hash.method().as_bytes(), b",", username.as_bytes()].concat();
        let mut salt = ScramHash::Sha256.hmac(key, &input);
        salt.truncate(16);
        salt
    }
}

impl fmt::Debug for Nonces {
    /// Never prints the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Nonces")
            .field("seeded", &self.seeded)
            .field("counter", &self.counter)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// RFC 7677 section 3's example, seen from the server.
    fn rfc7677() -> (ServerFirst, String) {
        let salt = B64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
        let user = ScramUser::new(ScramHash::Sha256, "user", b"pencil", salt, 4096);
        let first = b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
        let nonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        server_first(&[user], ScramHash::Sha256, Some(first), nonce, |_| vec![]).unwrap()
    }

    const CLIENT_FINAL: &str = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                                p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";

    #[test]
    fn the_rfc_7677_exchange_from_the_server_side() {
        let (state, message) = rfc7677();
        assert_eq!(
            message,
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
             s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
        );
        assert_eq!(
            state.verify(Some(CLIENT_FINAL.as_bytes())).as_deref(),
            Ok("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
        );
    }

    #[test]
    fn a_changed_proof_nonce_or_binding_fails() {
        let (state, _) = rfc7677();
        for bad in [
            CLIENT_FINAL.replace("p=dHz", "p=eHz"),
            CLIENT_FINAL.replace("k0,", "k1,"),
            CLIENT_FINAL.replace("c=biws", "c=eSws"),
            CLIENT_FINAL.replace(",p=", ",q="),
            CLIENT_FINAL.replace("AndVQ=", "AndV"),
        ] {
            assert!(state.verify(Some(bad.as_bytes())).is_err(), "{bad}");
        }
        assert!(state.verify(None).is_err());
    }

    #[test]
    fn malformed_client_first_messages_are_refused() {
        let users = [ScramUser::new(ScramHash::Sha256, "u", b"p", *b"salt", 1)];
        for bad in [
            &b"n=user,r=abc"[..],
            b"p=tls-unique,,n=user,r=abc",
            b"x,,n=user,r=abc",
            b"n,,m=ext,n=user,r=abc",
            b"n,,r=abc,n=user",
            b"n,,n=user",
            b"n,,n=user,r=",
            b"n,,n=us=2Xer,r=abc",
            b"n,,n=user,r=a\x01c",
            b"\xff",
        ] {
            let got = server_first(&users, ScramHash::Sha256, Some(bad), "s", |_| vec![]);
            assert!(got.is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn escaped_names_and_unknown_users_get_a_stable_made_up_salt() {
        let mut nonces = Nonces::default();
        assert_eq!(nonces.next(), None, "no nonce without entropy");
        nonces.add(&[7; 16]);
        let salt = nonces.mock_salt(ScramHash::Sha256, "a,b=c");
        let (state, message) = server_first(
            &[],
            ScramHash::Sha256,
            Some(b"y,,n=a=2Cb=3Dc,r=abc"),
            "xyz",
            |name| nonces.mock_salt(ScramHash::Sha256, name),
        )
        .unwrap();
        assert_eq!(state.username, "a,b=c");
        assert_eq!(message, format!("r=abcxyz,s={},i=4096", B64.encode(&salt)));
        nonces.add(b"more");
        assert_eq!(nonces.mock_salt(ScramHash::Sha256, "a,b=c"), salt);
        let (one, two) = (nonces.next().unwrap(), nonces.next().unwrap());
        assert!(
            one != two && one.len() == 24 && is_nonce(&one),
            "{one} {two}"
        );
        let fin = "c=eSws,r=abcxyz,p=AAAA";
        assert_eq!(
            state.verify(Some(fin.as_bytes())),
            Err("no SCRAM-SHA-256 user \"a,b=c\"".into())
        );
    }
}
