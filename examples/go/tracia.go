package main

// A thin binding of libtracia's C API over cgo. The header's ownership rules, as they apply
// here: library strings are copied into Go strings before the call that invalidates them, the
// result is freed with tracia_free once, and tracia_last_error() is thread-local, so a call
// that may fail runs with its goroutine locked to one OS thread until its error has been read.

/*
#cgo pkg-config: tracia
#include <stdlib.h>
#include <tracia.h>
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"unsafe"
)

// Error is a failure as tracia_last_error() or a result's "error" describe it.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// lastError copies this thread's tracia_last_error().
func lastError() error {
	var e Error
	if err := json.Unmarshal([]byte(C.GoString(C.tracia_last_error())), &e); err != nil {
		return err
	}
	return &e
}

// Result is the part of the result JSON this program reads.
type Result struct {
	Text         string  `json:"text"`
	FinishReason *string `json:"finish_reason"`
	Aborted      bool    `json:"aborted"`
	Usage        struct {
		InputTokens  int `json:"input_tokens"`
		OutputTokens int `json:"output_tokens"`
		TotalTokens  int `json:"total_tokens"`
	} `json:"usage"`
	Error *Error `json:"error"`
}

type Client struct{ handle *C.tracia_client }

type Stream struct {
	handle *C.tracia_stream
	SpanID string
}

// withJSON passes value to f as a C string of its JSON, freed when f returns.
func withJSON(value any, f func(*C.char)) error {
	encoded, err := json.Marshal(value)
	if err != nil {
		return err
	}
	s := C.CString(string(encoded))
	defer C.free(unsafe.Pointer(s))
	f(s)
	return nil
}

func NewClient(options any) (*Client, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var handle *C.tracia_client
	if err := withJSON(options, func(s *C.char) { handle = C.tracia_client_new(s) }); err != nil {
		return nil, err
	}
	if handle == nil {
		return nil, lastError()
	}
	return &Client{handle}, nil
}

// Close flushes the client's spans and frees it, after its streams.
func (c *Client) Close() { C.tracia_client_free(c.handle) }

// Run starts a call; an invalid request is an *Error.
func (c *Client) Run(request any) (*Stream, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var handle *C.tracia_stream
	if err := withJSON(request, func(s *C.char) { handle = C.tracia_run_local(c.handle, s) }); err != nil {
		return nil, err
	}
	if handle == nil {
		return nil, lastError()
	}
	return &Stream{handle, C.GoString(C.tracia_stream_span_id(handle))}, nil
}

// Next waits for the next chunk: ok is false at the end, also after Abort.
func (s *Stream) Next() (chunk string, ok bool, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var data *C.char
	var length C.size_t
	switch rc := C.tracia_stream_next(s.handle, &data, &length); {
	case rc == 1:
		return C.GoStringN(data, C.int(length)), true, nil
	case rc == 0:
		return "", false, nil
	default:
		return "", false, lastError()
	}
}

// Abort stops the call; safe from any goroutine.
func (s *Stream) Abort() { C.tracia_stream_abort(s.handle) }

// Result waits for the end of the call and decodes its result.
func (s *Stream) Result() (*Result, error) {
	raw := C.tracia_stream_result(s.handle)
	defer C.tracia_free(unsafe.Pointer(raw))
	var result Result
	if err := json.Unmarshal([]byte(C.GoString(raw)), &result); err != nil {
		return nil, err
	}
	return &result, nil
}

// Close aborts the call if it is still running and frees the stream.
func (s *Stream) Close() { C.tracia_stream_free(s.handle) }
