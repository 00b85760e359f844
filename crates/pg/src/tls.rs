//! TLS as libpq's `sslmode` means it, over rustls.
//!
//! tokio-postgres knows only disable / prefer / require and leaves the verification to the
//! connector, so the modes that verify (`verify-ca`, `verify-full`) and the root file
//! (`sslrootcert`) are read here, taken out of the connection string before tokio-postgres sees
//! it, and turned into a rustls verifier: tokio-postgres is then told `require`.
//!
//! As libpq: `require` and `prefer` check nothing unless a root file is given (then the chain is
//! checked, as `verify-ca`); `verify-ca` checks the chain, not the host name; `verify-full`
//! checks both. Without `sslrootcert` the verifying modes trust the system's roots.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::{Error, Result};

/// libpq's `sslmode` values, less `allow` (plaintext first, TLS on refusal), which tokio-postgres
/// cannot do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS when the server offers it, plaintext otherwise (libpq's default).
    Prefer,
    /// TLS or no connection; the certificate is not checked (unless a root file is given).
    Require,
    /// TLS, and the server certificate must chain to a trusted root.
    VerifyCa,
    /// As `VerifyCa`, and the certificate must name the host connected to.
    VerifyFull,
}

impl SslMode {
    /// Parses a libpq spelling; `Err` says why, without echoing anything but the value's kind.
    pub(crate) fn parse(text: &str) -> std::result::Result<SslMode, String> {
        Ok(match text {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            "allow" => {
                return Err("`allow` is not supported (plaintext first); use `prefer`".into());
            }
            _ => {
                return Err(
                    "expected disable, prefer, require, verify-ca or verify-full".to_string()
                );
            }
        })
    }

    /// libpq's spelling.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where trusted roots come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RootCert {
    /// A file of PEM certificates (`sslrootcert=/path`).
    File(PathBuf),
    /// The system's roots (`sslrootcert=system`, or a verifying mode without `sslrootcert`).
    System,
}

impl RootCert {
    fn parse(text: &str) -> RootCert {
        if text == "system" { RootCert::System } else { RootCert::File(PathBuf::from(text)) }
    }
}

impl fmt::Display for RootCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RootCert::File(path) => write!(f, "{}", path.display()),
            RootCert::System => f.write_str("the system roots"),
        }
    }
}

/// The TLS options of a target, as given (`None`: not given, libpq's default applies).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TlsOptions {
    pub(crate) mode: Option<SslMode>,
    pub(crate) root_cert: Option<RootCert>,
}

impl TlsOptions {
    /// The mode in force: as given, else `prefer`.
    pub(crate) fn mode(&self) -> SslMode {
        self.mode.unwrap_or(SslMode::Prefer)
    }

    /// `sslrootcert` as written in a URL (`system` or the path).
    pub(crate) fn root_cert_text(&self) -> Option<String> {
        self.root_cert.as_ref().map(|r| match r {
            RootCert::File(p) => p.display().to_string(),
            RootCert::System => "system".to_string(),
        })
    }

    /// The roots the chain is checked against, or `None` when nothing is checked.
    pub(crate) fn roots(&self) -> Option<RootCert> {
        match (self.mode(), &self.root_cert) {
            (SslMode::Disable, _) => None,
            (SslMode::VerifyCa | SslMode::VerifyFull, None) => Some(RootCert::System),
            (_, root) => root.clone(),
        }
    }

    /// What tokio-postgres is told: it does the negotiation, the verifier the checking.
    pub(crate) fn tokio_mode(&self) -> tokio_postgres::config::SslMode {
        use tokio_postgres::config::SslMode as T;
        match self.mode() {
            SslMode::Disable => T::Disable,
            SslMode::Prefer => T::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => T::Require,
        }
    }

    /// The connector for these options: every connection and cancel request goes through one.
    pub(crate) fn connector(&self) -> Result<MakeRustlsConnect> {
        let provider = provider();
        let inner = match self.roots() {
            None => None,
            Some(root) => {
                let store = Arc::new(load_roots(&root)?);
                let verifier = WebPkiServerVerifier::builder_with_provider(store, provider.clone())
                    .build()
                    .map_err(|e| Error::RootCert {
                        roots: root.to_string(),
                        reason: e.to_string(),
                    })?;
                Some(verifier)
            }
        };
        let verifier = Verifier {
            inner,
            check_name: self.mode() == SslMode::VerifyFull,
            algorithms: provider.signature_verification_algorithms,
        };
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::RootCert { roots: "rustls".into(), reason: e.to_string() })?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }
}

/// ring, named explicitly: with more than one provider compiled in (the docker stack's), rustls
/// has no process default.
fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider())).clone()
}

fn load_roots(root: &RootCert) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    match root {
        RootCert::File(path) => {
            let bad =
                |reason: String| Error::RootCert { roots: path.display().to_string(), reason };
            let certs = read_pem(path).map_err(bad)?;
            if certs.is_empty() {
                return Err(bad("no PEM certificate in it".into()));
            }
            for cert in certs {
                store.add(cert).map_err(|e| bad(e.to_string()))?;
            }
        }
        RootCert::System => {
            // Reading the system store costs a few milliseconds; it does not change in a run.
            static SYSTEM: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
            let certs = SYSTEM.get_or_init(|| rustls_native_certs::load_native_certs().certs);
            let (added, _unusable) = store.add_parsable_certificates(certs.iter().cloned());
            if added == 0 {
                return Err(Error::RootCert {
                    roots: root.to_string(),
                    reason:
                        "no usable certificate found (install ca-certificates, or give sslrootcert)"
                            .into(),
                });
            }
        }
    }
    Ok(store)
}

fn read_pem(path: &Path) -> std::result::Result<Vec<CertificateDer<'static>>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    CertificateDer::pem_slice_iter(&bytes)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| format!("not a PEM certificate file ({e})"))
}

/// The chain check of `inner` (none without roots), with the host-name check dropped unless
/// `check_name`; handshake signatures are always checked, so the session is with the holder of
/// the certificate's key.
#[derive(Debug)]
struct Verifier {
    inner: Option<Arc<WebPkiServerVerifier>>,
    check_name: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let Some(inner) = &self.inner else { return Ok(ServerCertVerified::assertion()) };
        match inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            // webpki checks the name only after the chain: this error means the chain is good.
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Takes `sslmode` and `sslrootcert` out of a URL's query or a `key=value` string, so that
/// tokio-postgres (which refuses the verifying modes) parses the rest. Returns the rest and the
/// options; an `sslmode` value that is not libpq's is an `Err` with the reason. Text the scanner
/// does not understand is left in place for tokio-postgres to report.
pub(crate) fn split_options(text: &str) -> std::result::Result<(String, TlsOptions), String> {
    let mut options = TlsOptions::default();
    let mut take = |key: &str, value: String| -> std::result::Result<bool, String> {
        match key {
            "sslmode" => {
                let mode = SslMode::parse(&value)
                    .map_err(|why| format!("invalid value for option `sslmode`: {why}"))?;
                options.mode = Some(mode);
                Ok(true)
            }
            "sslrootcert" => {
                options.root_cert = Some(RootCert::parse(&value));
                Ok(true)
            }
            _ => Ok(false),
        }
    };
    let rest = if text.starts_with("postgres://") || text.starts_with("postgresql://") {
        let Some((head, query)) = text.split_once('?') else {
            return Ok((text.to_string(), options));
        };
        let mut kept = Vec::new();
        for pair in query.split('&') {
            let taken = match pair.split_once('=') {
                Some((k, v)) => take(&decode(k), decode(v))?,
                None => false,
            };
            if !taken {
                kept.push(pair);
            }
        }
        if kept.is_empty() { head.to_string() } else { format!("{head}?{}", kept.join("&")) }
    } else {
        let Some(pairs) = scan_pairs(text) else { return Ok((text.to_string(), options)) };
        let mut rest = String::new();
        let mut last = 0;
        for (key, value, span) in pairs {
            if take(&key, value)? {
                rest.push_str(&text[last..span.start]);
                last = span.end;
            }
        }
        rest.push_str(&text[last..]);
        rest
    };
    Ok((rest, options))
}

/// The `key = value` pairs of a libpq connection string with their byte spans, or `None` when
/// the text is not one (tokio-postgres then says why).
fn scan_pairs(text: &str) -> Option<Vec<(String, String, std::ops::Range<usize>)>> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut pairs = Vec::new();
    let skip_ws = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    loop {
        i = skip_ws(i);
        if i >= bytes.len() {
            return Some(pairs);
        }
        let start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = text[start..i].to_string();
        i = skip_ws(i);
        if bytes.get(i) != Some(&b'=') {
            return None;
        }
        i = skip_ws(i + 1);
        let mut value = Vec::new();
        if bytes.get(i) == Some(&b'\'') {
            i += 1;
            loop {
                match bytes.get(i)? {
                    b'\'' => break,
                    b'\\' => {
                        value.push(*bytes.get(i + 1)?);
                        i += 2;
                    }
                    b => {
                        value.push(*b);
                        i += 1;
                    }
                }
            }
            i += 1;
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                if bytes[i] == b'\\' && i + 1 < bytes.len() {
                    i += 1;
                }
                value.push(bytes[i]);
                i += 1;
            }
        }
        pairs.push((key, String::from_utf8(value).ok()?, start..i));
    }
}

/// Percent-decoding of a URL query component (`+` is not a space in libpq URLs).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) =
                (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Why a TLS connection failed, in the terms of the options, when the failure is TLS's: an
/// untrusted certificate names the roots it was checked against.
pub(crate) fn explain(
    err: &tokio_postgres::Error,
    options: &TlsOptions,
    host: &str,
) -> Option<String> {
    use std::error::Error as _;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = err.source();
    while let Some(e) = cause {
        let rustls_error = e.downcast_ref::<rustls::Error>().or_else(|| {
            e.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls::Error::InvalidCertificate(cert)) = rustls_error {
            let roots = options.roots().map(|r| r.to_string()).unwrap_or_default();
            return Some(match cert {
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => {
                    format!(
                        "server certificate does not name `{host}` (sslmode={}): {}",
                        options.mode(),
                        rustls_error.map(ToString::to_string).unwrap_or_default()
                    )
                }
                _ => format!(
                    "server certificate not trusted by {roots}: {}",
                    rustls_error.map(ToString::to_string).unwrap_or_default()
                ),
            });
        }
        if e.to_string() == "server does not support TLS" {
            return Some(format!(
                "the server does not accept TLS connections, and sslmode={} requires TLS\nhint: sslmode=prefer or disable connects without encryption",
                options.mode()
            ));
        }
        cause = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> String {
        match split_options(text) {
            Ok((rest, o)) => format!("{rest} | {:?} {:?}", o.mode, o.root_cert_text()),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn options_are_taken_out_of_urls_and_strings() {
        assert_eq!(
            split("postgres://u@h/d?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem"),
            "postgres://u@h/d | Some(VerifyFull) Some(\"/etc/ca.pem\")"
        );
        assert_eq!(
            split("postgres://u@h/d?application_name=x&sslmode=require&connect_timeout=3"),
            "postgres://u@h/d?application_name=x&connect_timeout=3 | Some(Require) None"
        );
        assert_eq!(
            split("host=h sslmode = verify-ca sslrootcert='/a b/ca.pem' dbname=d"),
            "host=h   dbname=d | Some(VerifyCa) Some(\"/a b/ca.pem\")"
        );
        assert_eq!(split("host=h dbname=d"), "host=h dbname=d | None None");
        assert_eq!(
            split("postgres://h/d?sslmode=allow"),
            "error: invalid value for option `sslmode`: `allow` is not supported (plaintext first); use `prefer`"
        );
        // Not a connection string the scanner knows: left whole for tokio-postgres to judge.
        assert_eq!(split("host=h password=x y"), "host=h password=x y | None None");
    }

    #[test]
    fn which_roots_are_checked() {
        let roots = |mode, root: Option<&str>| {
            TlsOptions { mode, root_cert: root.map(RootCert::parse) }.roots().map(|r| r.to_string())
        };
        assert_eq!(roots(None, None), None);
        assert_eq!(roots(Some(SslMode::Require), None), None);
        assert_eq!(roots(Some(SslMode::Require), Some("/ca.pem")), Some("/ca.pem".into()));
        assert_eq!(roots(Some(SslMode::VerifyFull), None), Some("the system roots".into()));
        assert_eq!(roots(Some(SslMode::VerifyCa), Some("system")), Some("the system roots".into()));
        assert_eq!(roots(Some(SslMode::Disable), Some("/ca.pem")), None);
    }
}
