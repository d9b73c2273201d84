//! `mqttscope dissect`: text and JSON output and exit codes, run as a real process.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mqttscope"))
        .args(args)
        .output()
        .expect("run mqttscope")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const PUBLISH_V5: &str = "32 14 00 03 61 2f 62 00 0a 0a 23 00 03 26 00 01 6b 00 01 76 68 69";

#[test]
fn text_tree_lists_every_field_with_offsets_and_sections() {
    let o = run(&["dissect", PUBLISH_V5]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with("PUBLISH (22 bytes at offset 0)\n"), "{out}");
    assert!(
        out.contains("11..13       Topic Alias: 3  [publish.properties.topic_alias] (§3.3.2.3.4)"),
        "{out}"
    );
    assert!(
        out.contains("QoS level: At least once (0x01)  mask 00000110"),
        "{out}"
    );
    assert!(out.contains("Payload: 2 bytes \"hi\""), "{out}");
    assert_eq!(out.lines().count(), 18);
}

#[test]
fn malformed_input_exits_1_and_names_the_rule() {
    let o = run(&["dissect", "-V", "4", "30 05 00 03 61 00 62"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("error: byte 5: string contains U+0000 [MQTT-1.5.3-2]"),
        "{out}"
    );
    assert!(out.contains("Topic Name length: 3"), "{out}");
}

#[test]
fn json_has_fields_and_the_error() {
    let o = run(&["dissect", "--json", "-V", "5", "0x36,0x00"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["error"]["offset"], 0);
    assert_eq!(v["error"]["rule"], "MQTT-3.3.1-4");
    assert_eq!(v["error"]["reason_code"], "0x81");

    let o = run(&["dissect", "--json", PUBLISH_V5]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let fields = v["packets"][0]["fields"].as_array().unwrap();
    let alias = fields
        .iter()
        .find(|f| f["path"] == "publish.properties.topic_alias")
        .unwrap();
    assert_eq!(
        (
            alias["start"].as_u64(),
            alias["end"].as_u64(),
            &alias["value"]
        ),
        (Some(11), Some(13), &serde_json::json!(3))
    );
    assert_eq!(fields[0]["mask"], "11110000");
    assert_eq!(v["packets"][0]["type"], "PUBLISH");
    assert_eq!(v["error"], serde_json::Value::Null);
}

#[test]
fn several_packets_and_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqttscope"))
        .args(["dissect", "-V", "4", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"c0 00\nd0 00\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("PINGREQ (2 bytes at offset 0)")
            && out.contains("PINGRESP (2 bytes at offset 2)"),
        "{out}"
    );
}

#[test]
fn unusable_input_exits_2() {
    assert_eq!(run(&["dissect", "30 0g"]).status.code(), Some(2));
    assert_eq!(run(&["dissect", ""]).status.code(), Some(2));
    assert_eq!(run(&["dissect", "-V", "6", "c0 00"]).status.code(), Some(2));
    let err = String::from_utf8_lossy(&run(&["dissect", "30 0a f"]).stderr).into_owned();
    assert!(err.contains("odd length"), "{err}");
}
