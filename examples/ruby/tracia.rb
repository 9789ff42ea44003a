# A thin binding of libtracia's C API through Fiddle. Library strings are copied into Ruby
# strings before the call that invalidates them, the result is freed with tracia_free once,
# and the block forms free each stream before its client.
require "fiddle"
require "fiddle/import"
require "json"

module Tracia
  module C
    extend Fiddle::Importer
    # The installed library by its soname, found by the loader (ldconfig's cache or LD_LIBRARY_PATH).
    dlload "libtracia.so.0"
    extern "void *tracia_client_new(const char *)"
    extern "void tracia_client_free(void *)"
    extern "void *tracia_run_local(void *, const char *)"
    extern "const char *tracia_stream_span_id(void *)"
    extern "int tracia_stream_next(void *, void *, void *)"
    extern "void tracia_stream_abort(void *)"
    extern "void *tracia_stream_result(void *)"
    extern "void tracia_stream_free(void *)"
    extern "const char *tracia_last_error()"
    extern "void tracia_free(void *)"
  end

  # A failure as tracia_last_error() describes it.
  class Error < StandardError
    attr_reader :code

    # Copies this thread's tracia_last_error().
    def self.last
      detail = JSON.parse(C.tracia_last_error.to_s)
      new(detail["code"], detail["message"])
    end

    def initialize(code, message)
      super(message)
      @code = code
    end
  end

  class Client
    # Yields a new client and frees it (flushing its spans) when the block ends.
    def self.open(options)
      client = new(options)
      yield client
    ensure
      client&.close
    end

    def initialize(options)
      @handle = C.tracia_client_new(JSON.generate(options))
      raise Error.last if @handle.null?
    end

    # Yields a new call's stream and frees it when the block ends; an invalid request raises
    # Tracia::Error.
    def stream(request)
      stream = Stream.new(@handle, request)
      yield stream
    ensure
      stream&.close
    end

    def close
      C.tracia_client_free(@handle)
      @handle = nil
    end
  end

  class Stream
    attr_reader :span_id

    def initialize(client_handle, request)
      @handle = C.tracia_run_local(client_handle, JSON.generate(request))
      raise Error.last if @handle.null?
      @span_id = C.tracia_stream_span_id(@handle).to_s
    end

    # Yields each chunk as it arrives, until the end or an abort.
    def each_chunk
      chunk = Fiddle::Pointer.malloc(Fiddle::SIZEOF_VOIDP, Fiddle::RUBY_FREE)
      length = Fiddle::Pointer.malloc(Fiddle::SIZEOF_SIZE_T, Fiddle::RUBY_FREE)
      loop do
        rc = C.tracia_stream_next(@handle, chunk, length)
        raise Error.last if rc.negative?
        break if rc.zero?
        yield chunk.ptr.to_s(length[0, Fiddle::SIZEOF_SIZE_T].unpack1("J")).force_encoding(Encoding::UTF_8)
      end
    end

    def abort
      C.tracia_stream_abort(@handle)
    end

    # Waits for the end of the call; the result JSON, parsed.
    def result
      raw = C.tracia_stream_result(@handle)
      JSON.parse(raw.to_s)
    ensure
      C.tracia_free(raw) if raw
    end

    # Aborts the call if it is still running and frees the stream.
    def close
      C.tracia_stream_free(@handle)
      @handle = nil
    end
  end
end
