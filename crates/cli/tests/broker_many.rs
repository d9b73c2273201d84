//! `mqttscope broker` with 1,000 concurrent TCP connections on loopback: each sends a
//! raw MQTT 3.1.1 CONNECT and gets CONNACK, subscribes, and one publish fans out to all.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::ScopeBroker;

const CLIENTS: usize = 1000;

fn connect_packet(id: &str) -> Vec<u8> {
    let mut p = vec![
        0x10,
        (12 + id.len()) as u8,
        0,
        4,
        b'M',
        b'Q',
        b'T',
        b'T',
        4,
        2,
        0,
        60,
    ];
    p.extend_from_slice(&(id.len() as u16).to_be_bytes());
    p.extend_from_slice(id.as_bytes());
    p
}

fn subscribe_packet(topic: &str) -> Vec<u8> {
    let mut p = vec![0x82, (5 + topic.len()) as u8, 0, 1];
    p.extend_from_slice(&(topic.len() as u16).to_be_bytes());
    p.extend_from_slice(topic.as_bytes());
    p.push(0);
    p
}

fn publish_packet(topic: &str, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x30, (2 + topic.len() + payload.len()) as u8];
    p.extend_from_slice(&(topic.len() as u16).to_be_bytes());
    p.extend_from_slice(topic.as_bytes());
    p.extend_from_slice(payload);
    p
}

fn read_exactly(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    s.read_exact(&mut buf).expect("the broker answers in time");
    buf
}

#[test]
fn a_thousand_connections_get_connack_and_a_publish_fans_out_to_all() {
    let start = Instant::now();
    let broker = ScopeBroker::start(&["--max-connections", "1001", "--quiet"]);
    let mut conns: Vec<TcpStream> = (0..CLIENTS)
        .map(|_| TcpStream::connect(("127.0.0.1", broker.tcp)).expect("connect"))
        .collect();
    for (i, s) in conns.iter_mut().enumerate() {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(&connect_packet(&format!("many-{i}"))).unwrap();
    }
    for s in &mut conns {
        assert_eq!(read_exactly(s, 4), [0x20, 2, 0, 0], "CONNACK accepted");
    }
    for s in &mut conns {
        s.write_all(&subscribe_packet("fan/out")).unwrap();
    }
    for s in &mut conns {
        assert_eq!(read_exactly(s, 5), [0x90, 3, 0, 1, 0], "SUBACK QoS 0");
    }
    let mut publisher = TcpStream::connect(("127.0.0.1", broker.tcp)).unwrap();
    publisher
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    publisher.write_all(&connect_packet("many-pub")).unwrap();
    assert_eq!(read_exactly(&mut publisher, 4), [0x20, 2, 0, 0]);
    let message = publish_packet("fan/out", b"to all");
    publisher.write_all(&message).unwrap();
    for s in &mut conns {
        assert_eq!(
            read_exactly(s, message.len()),
            message,
            "the message, as sent"
        );
    }
    eprintln!(
        "1,000 connections, CONNACK, SUBACK and fan-out in {:?}",
        start.elapsed()
    );
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn connections_past_the_maximum_are_closed() {
    let broker = ScopeBroker::start(&["--max-connections", "2"]);
    let mut ok: Vec<TcpStream> = (0..2)
        .map(|i| {
            let mut s = TcpStream::connect(("127.0.0.1", broker.tcp)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            s.write_all(&connect_packet(&format!("max-{i}"))).unwrap();
            s
        })
        .collect();
    for s in &mut ok {
        assert_eq!(read_exactly(s, 4), [0x20, 2, 0, 0]);
    }
    let mut third = TcpStream::connect(("127.0.0.1", broker.tcp)).unwrap();
    third
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = third.write_all(&connect_packet("max-3"));
    let mut buf = [0u8; 4];
    assert!(
        matches!(third.read(&mut buf), Ok(0) | Err(_)),
        "closed without CONNACK"
    );
    broker.wait_log("refused: 2 connections are open");
}

#[test]
fn a_subscriber_that_does_not_read_is_closed_and_reported() {
    let broker = ScopeBroker::start(&["--out-buffer", "65536"]);
    let mut idle = TcpStream::connect(("127.0.0.1", broker.tcp)).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    idle.write_all(&connect_packet("idle-sub")).unwrap();
    assert_eq!(read_exactly(&mut idle, 4), [0x20, 2, 0, 0]);
    idle.write_all(&subscribe_packet("flood")).unwrap();
    assert_eq!(read_exactly(&mut idle, 5), [0x90, 3, 0, 1, 0]);
    // From here on `idle` reads nothing.
    let mut publisher = TcpStream::connect(("127.0.0.1", broker.tcp)).unwrap();
    publisher.write_all(&connect_packet("flooder")).unwrap();
    let payload = vec![b'x'; 100];
    let message = publish_packet("flood", &payload);
    let batch = message.repeat(1000);
    let start = Instant::now();
    while !broker.log().iter().any(|l| l.contains("too slow")) {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{:#?}",
            broker.log()
        );
        publisher.write_all(&batch).unwrap();
    }
    let line = broker.wait_log("closed: too slow");
    assert!(line.contains("\"idle-sub\""), "{line}");
    broker.wait_log("\"idle-sub\" disconnected: the connection closed");
}
