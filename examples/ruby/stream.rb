# Streams a call through libtracia, aborts a second one after its first chunk, and shows how
# a rejected request reports its error.
#
#   ruby stream.rb [BASE_URL [ABORT_BASE_URL]]
#
# BASE_URL is an OpenAI Chat Completions server, OpenAI's by default (key in OPENAI_API_KEY);
# ABORT_BASE_URL serves the aborted call, BASE_URL by default. Spans go to ./spans.jsonl.
require_relative "tracia"

MODEL = "gpt-4.1-mini"

def request(prompt, **extra)
  { model: MODEL, stream: true, messages: [{ role: "user", content: prompt }], **extra }
end

base_url = ARGV.fetch(0, "https://api.openai.com/v1")
abort_url = ARGV.fetch(1, base_url)

Tracia::Client.open(api_key: "", spans_file: "spans.jsonl", openai_base_url: base_url) do |client|
  client.stream(request("Write one sentence about streaming.")) do |stream|
    puts "span #{stream.span_id}"
    stream.each_chunk do |chunk|
      print chunk
      $stdout.flush
    end
    puts
    result = stream.result
    puts "text: #{result["text"].inspect}"
    puts "finish_reason: #{result["finish_reason"]}"
    usage = result["usage"]
    puts "usage: #{usage["input_tokens"]} input + #{usage["output_tokens"]} output = #{usage["total_tokens"]} tokens"
  end

  client.stream(request("Count from 1 to 100.", base_url: abort_url)) do |stream|
    stream.each_chunk { stream.abort } # the first chunk aborts the call
    result = stream.result
    puts "aborted: #{result["aborted"]}, partial text: #{result["text"].inspect}"
  end

  begin
    client.stream(request("Hello", temprature: 0.2)) { raise "a request with an unknown key was accepted" }
  rescue Tracia::Error => e
    puts "error: #{e.code}: #{e.message.inspect}"
  end
end
