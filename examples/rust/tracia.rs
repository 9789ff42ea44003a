//! A thin binding of libtracia's C API: plain `extern "C"` declarations and owning wrappers.
//! Library strings are copied into `String`s before the call that invalidates them, the result
//! is freed with `tracia_free` once, and a `Stream` borrows its `Client`, so the compiler keeps
//! every stream from outliving (being freed after) its client.

use crate::json;
use std::ffi::{CStr, CString};
use std::fmt;
use std::marker::PhantomData;
use std::os::raw::{c_char, c_int, c_void};

#[repr(C)]
struct RawClient {
    _private: [u8; 0],
}

#[repr(C)]
struct RawStream {
    _private: [u8; 0],
}

extern "C" {
    fn tracia_client_new(options_json: *const c_char) -> *mut RawClient;
    fn tracia_client_free(client: *mut RawClient);
    fn tracia_run_local(client: *mut RawClient, request_json: *const c_char) -> *mut RawStream;
    fn tracia_stream_span_id(stream: *const RawStream) -> *const c_char;
    fn tracia_stream_next(
        stream: *mut RawStream,
        chunk: *mut *const c_char,
        length: *mut usize,
    ) -> c_int;
    fn tracia_stream_abort(stream: *mut RawStream);
    fn tracia_stream_result(stream: *mut RawStream) -> *mut c_char;
    fn tracia_stream_free(stream: *mut RawStream);
    fn tracia_last_error() -> *const c_char;
    fn tracia_free(ptr: *mut c_void);
}

/// A failure as `tracia_last_error()` describes it; `message` keeps the JSON escapes.
#[derive(Debug)]
pub struct Error {
    pub code: String,
    pub message: String,
}

impl Error {
    /// Copies this thread's `tracia_last_error()`.
    fn last() -> Error {
        let detail = copied(unsafe { tracia_last_error() });
        let string = |key| json::string(&detail, key).unwrap_or_default().to_string();
        Error {
            code: string("code"),
            message: string("message"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

fn copied(s: *const c_char) -> String {
    unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
}

fn c_string(json: &str) -> Result<CString, Error> {
    CString::new(json).map_err(|_| Error {
        code: "INVALID_REQUEST".into(),
        message: "a NUL in the JSON".into(),
    })
}

pub struct Client {
    handle: *mut RawClient,
}

impl Client {
    pub fn new(options_json: &str) -> Result<Client, Error> {
        let handle = unsafe { tracia_client_new(c_string(options_json)?.as_ptr()) };
        if handle.is_null() {
            return Err(Error::last());
        }
        Ok(Client { handle })
    }

    /// Starts a call; an invalid request is an `Error`.
    pub fn run(&self, request_json: &str) -> Result<Stream<'_>, Error> {
        let handle = unsafe { tracia_run_local(self.handle, c_string(request_json)?.as_ptr()) };
        if handle.is_null() {
            return Err(Error::last());
        }
        let span_id = copied(unsafe { tracia_stream_span_id(handle) });
        Ok(Stream {
            handle,
            span_id,
            client: PhantomData,
        })
    }
}

impl Drop for Client {
    /// Flushes the client's spans and frees it.
    fn drop(&mut self) {
        unsafe { tracia_client_free(self.handle) }
    }
}

pub struct Stream<'client> {
    handle: *mut RawStream,
    pub span_id: String,
    client: PhantomData<&'client Client>,
}

impl Stream<'_> {
    /// Waits for the next chunk: `None` at the end, also after `abort`.
    pub fn next_chunk(&mut self) -> Result<Option<String>, Error> {
        let mut chunk: *const c_char = std::ptr::null();
        let mut length = 0usize;
        match unsafe { tracia_stream_next(self.handle, &mut chunk, &mut length) } {
            1 => {
                let bytes = unsafe { std::slice::from_raw_parts(chunk as *const u8, length) };
                Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
            }
            0 => Ok(None),
            _ => Err(Error::last()),
        }
    }

    pub fn abort(&self) {
        unsafe { tracia_stream_abort(self.handle) }
    }

    /// Waits for the end of the call; the result JSON as the library wrote it.
    pub fn result(&mut self) -> String {
        let raw = unsafe { tracia_stream_result(self.handle) };
        let result = copied(raw);
        unsafe { tracia_free(raw as *mut c_void) };
        result
    }
}

impl Drop for Stream<'_> {
    /// Aborts the call if it is still running and frees the stream.
    fn drop(&mut self) {
        unsafe { tracia_stream_free(self.handle) }
    }
}
