//! Streams a call through libtracia, aborts a second one after its first chunk, and shows how
//! a rejected request reports its error.
//!
//!     rustc --edition 2021 main.rs $(pkg-config --libs tracia) -o stream
//!     ./stream [BASE_URL [ABORT_BASE_URL]]
//!
//! BASE_URL is an OpenAI Chat Completions server, OpenAI's by default (key in OPENAI_API_KEY);
//! ABORT_BASE_URL serves the aborted call, BASE_URL by default. Spans go to ./spans.jsonl.
//! The result's fields are picked out of its JSON by json.rs's scan, printed as JSON.

mod json;
mod tracia;

use std::io::Write;
use tracia::Client;

const MODEL: &str = "gpt-4.1-mini";

/// A streamed request for `prompt`; `extra` is more members, each starting with a comma.
fn request(prompt: &str, extra: &str) -> String {
    let messages = format!(r#"[{{"role":"user","content":{}}}]"#, json::quote(prompt));
    format!(r#"{{"model":"{MODEL}","stream":true,"messages":{messages}{extra}}}"#)
}

fn streamed(client: &Client) -> Result<(), tracia::Error> {
    let mut stream = client.run(&request("Write one sentence about streaming.", ""))?;
    println!("span {}", stream.span_id);
    while let Some(chunk) = stream.next_chunk()? {
        print!("{chunk}");
        std::io::stdout().flush().ok();
    }
    println!();
    let result = stream.result();
    let field = |key| json::field(&result, key).unwrap_or("null");
    println!("text: {}", field("text"));
    println!(
        "finish_reason: {}",
        json::string(&result, "finish_reason").unwrap_or("null")
    );
    let usage = field("usage");
    let tokens = |key| json::field(usage, key).unwrap_or("null");
    println!(
        "usage: {} input + {} output = {} tokens",
        tokens("input_tokens"),
        tokens("output_tokens"),
        tokens("total_tokens")
    );
    Ok(())
}

fn aborted(client: &Client, base_url: &str) -> Result<(), tracia::Error> {
    let extra = format!(r#","base_url":{}"#, json::quote(base_url));
    let mut stream = client.run(&request("Count from 1 to 100.", &extra))?;
    stream.next_chunk()?;
    stream.abort();
    let result = stream.result();
    let field = |key| json::field(&result, key).unwrap_or("null");
    println!(
        "aborted: {}, partial text: {}",
        field("aborted"),
        field("text")
    );
    Ok(())
}

fn rejected(client: &Client) -> Result<(), String> {
    match client.run(&request("Hello", r#","temprature":0.2"#)) {
        Ok(_) => Err("a request with an unknown key was accepted".into()),
        Err(e) => {
            println!("error: {}: \"{}\"", e.code, e.message);
            Ok(())
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let base_url = args
        .next()
        .unwrap_or_else(|| "https://api.openai.com/v1".into());
    let abort_url = args.next().unwrap_or_else(|| base_url.clone());
    let options = format!(
        r#"{{"api_key":"","spans_file":"spans.jsonl","openai_base_url":{}}}"#,
        json::quote(&base_url)
    );
    let client = Client::new(&options)?;
    streamed(&client)?;
    aborted(&client, &abort_url)?;
    rejected(&client)?;
    Ok(())
}
