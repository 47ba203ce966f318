//! `<binary> healthcheck`: asks the running server for `/health/live` over loopback and exits
//! non-zero unless it answers 200. Container images need no curl or shell for their HEALTHCHECK.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

use anyhow::{Context, bail};

const TIMEOUT: Duration = Duration::from_secs(3);

pub fn probe(port: u16) -> anyhow::Result<()> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&address, TIMEOUT)
        .with_context(|| format!("cannot connect to {address}"))?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    stream
        .write_all(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut status_line = [0_u8; 12];
    stream
        .read_exact(&mut status_line)
        .context("no answer from the server")?;
    if &status_line[9..12] != b"200" {
        bail!(
            "unhealthy: {}",
            String::from_utf8_lossy(&status_line).trim()
        );
    }
    Ok(())
}
