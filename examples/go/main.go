// Streams a call through libtracia, aborts a second one after its first chunk, and shows how
// a rejected request reports its error.
//
//	go run . [BASE_URL [ABORT_BASE_URL]]
//
// BASE_URL is an OpenAI Chat Completions server, OpenAI's by default (key in OPENAI_API_KEY);
// ABORT_BASE_URL serves the aborted call, BASE_URL by default. Spans go to ./spans.jsonl.
package main

import (
	"errors"
	"fmt"
	"os"
)

const model = "gpt-4.1-mini"

func request(prompt string) map[string]any {
	return map[string]any{
		"model":    model,
		"stream":   true,
		"messages": []map[string]string{{"role": "user", "content": prompt}},
	}
}

func streamed(client *Client) error {
	stream, err := client.Run(request("Write one sentence about streaming."))
	if err != nil {
		return err
	}
	defer stream.Close()
	fmt.Println("span", stream.SpanID)
	for {
		chunk, ok, err := stream.Next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		fmt.Print(chunk)
	}
	fmt.Println()
	result, err := stream.Result()
	if err != nil {
		return err
	}
	fmt.Printf("text: %q\n", result.Text)
	if result.FinishReason != nil {
		fmt.Println("finish_reason:", *result.FinishReason)
	}
	u := result.Usage
	fmt.Printf("usage: %d input + %d output = %d tokens\n", u.InputTokens, u.OutputTokens, u.TotalTokens)
	return nil
}

func aborted(client *Client, baseURL string) error {
	req := request("Count from 1 to 100.")
	req["base_url"] = baseURL
	stream, err := client.Run(req)
	if err != nil {
		return err
	}
	defer stream.Close()
	if _, _, err := stream.Next(); err != nil {
		return err
	}
	stream.Abort()
	result, err := stream.Result()
	if err != nil {
		return err
	}
	fmt.Printf("aborted: %t, partial text: %q\n", result.Aborted, result.Text)
	return nil
}

func rejected(client *Client) error {
	req := request("Hello")
	req["temprature"] = 0.2
	stream, err := client.Run(req)
	if err == nil {
		stream.Close()
		return errors.New("a request with an unknown key was accepted")
	}
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	fmt.Printf("error: %s: %q\n", e.Code, e.Message)
	return nil
}

func run(baseURL, abortURL string) error {
	client, err := NewClient(map[string]any{"api_key": "", "spans_file": "spans.jsonl", "openai_base_url": baseURL})
	if err != nil {
		return err
	}
	defer client.Close()
	if err := streamed(client); err != nil {
		return err
	}
	if err := aborted(client, abortURL); err != nil {
		return err
	}
	return rejected(client)
}

func main() {
	baseURL := "https://api.openai.com/v1"
	if len(os.Args) > 1 {
		baseURL = os.Args[1]
	}
	abortURL := baseURL
	if len(os.Args) > 2 {
		abortURL = os.Args[2]
	}
	if err := run(baseURL, abortURL); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
