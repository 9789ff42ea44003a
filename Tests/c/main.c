#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define TESTS(X) \
    X(test_plain_stream) X(test_bytewise_utf8_stream) X(test_crlf_and_comments) X(test_tool_calls_and_follow_up) \
    X(test_non_streaming) X(test_length_finish) X(test_abort_from_another_thread) X(test_fd_readiness) \
    X(test_unauthorized) X(test_rate_limited_then_success) X(test_rate_limit_exhausts_retries) X(test_server_error) \
    X(test_dropped_mid_stream) X(test_dropped_before_headers) X(test_malformed_event) X(test_mid_stream_error_event) \
    X(test_truncated_stream) X(test_stall_hits_idle_timeout) X(test_no_headers_hits_total_timeout) \
    X(test_connection_refused) X(test_next_after_failure_repeats) \
    X(test_span_payload_of_a_success) X(test_free_form_trace_ids) X(test_span_of_tool_calls) X(test_span_of_a_failure) X(test_span_of_an_abort) \
    X(test_collector_fails_then_recovers) X(test_span_error_callback) X(test_flush_times_out_when_the_collector_hangs) \
    X(test_concurrent_flushes_each_report_the_failure) X(test_jsonl_sink) \
    X(test_null_arguments) X(test_invalid_requests) X(test_missing_provider_key) X(test_invalid_options) \
    X(test_defined_misuse_is_safe) X(test_client_freed_before_its_stream) X(test_span_of_a_stream_that_outlived_its_client) X(test_result_without_reading_chunks) \
    X(test_ids_known_before_the_first_chunk) X(test_mock_provider) X(test_error_names_and_versions) \
    X(test_providers_stream_utf8_bytewise) X(test_providers_non_streaming) X(test_providers_tool_calls_and_follow_up) \
    X(test_providers_length_stop) X(test_providers_fault_matrix) X(test_providers_retry_after) X(test_providers_abort) X(test_bedrock_auth_and_model_ids) \
    X(test_aws_chain_order) X(test_aws_credential_process) X(test_aws_container_credentials) X(test_aws_instance_metadata) X(test_aws_fetched_keys_sign_embeddings) \
    X(test_anthropic_version_and_sampling) X(test_hostile_requests) X(test_hostile_options) X(test_model_names_with_control_characters_or_spaces) \
    X(test_free_while_another_thread_is_in_next) X(test_process_exit_never_hangs_or_crashes) X(test_out_of_file_descriptors) \
    X(test_slow_reader_pauses_the_transfer) X(test_result_of_a_long_stream_without_reading) \
    X(test_secrets_never_leave_the_library) X(test_secrets_not_echoed_by_validation_errors) \
    X(test_reasoning_streams_apart_from_the_text) X(test_reasoning_tool_turn_sent_back_as_the_provider_checks_it) \
    X(test_reasoning_kept_when_the_stream_is_aborted) X(test_reasoning_option_refused_before_any_io) \
    X(test_collector_down_bounds_memory_and_reports_drops) X(test_every_span_delivered_once_after_an_outage) \
    X(test_span_fifo_without_a_reader_fails_instead_of_hanging) X(test_span_fifo_reader_that_does_not_read_fails_the_span) \
    X(test_span_file_on_a_full_device_fails_each_span) X(test_span_file_on_dev_null_delivers) \
    X(test_flush_from_the_span_error_callback_is_misuse) X(test_span_fifo_whose_reader_left_never_raises_sigpipe) \
    X(test_span_file_cut_short_never_glues_the_next_span) \
    X(test_reasoning_ab_apart_from_the_answer) X(test_reasoning_ab_tool_follow_ups) X(test_reasoning_ab_refused_before_any_io) \
    X(test_reasoning_ab_abort_keeps_what_came) \
    X(test_events_of_text_and_tool_calls) X(test_events_of_parallel_tool_calls_with_fragmented_arguments) \
    X(test_event_payloads_are_borrowed_until_the_next_call) X(test_abort_in_the_middle_of_events) \
    X(test_event_readiness_by_descriptor) X(test_a_stream_is_read_as_chunks_or_as_events) \
    X(test_null_arguments_to_the_event_functions) X(test_events_after_a_failure_repeat_it) \
    X(test_free_while_another_thread_is_in_next_event) X(test_slow_reader_of_events_pauses_the_transfer) \
    X(test_media_inline_in_both_shapes_reaches_every_provider) X(test_media_by_reference_reaches_every_provider) \
    X(test_media_a_provider_cannot_take_is_refused_before_any_io) X(test_media_the_fakes_refuse_as_their_services_do) \
    X(test_media_spans_hold_no_bytes) \
    X(test_time_to_first_token_within_latency) X(test_time_to_first_token_null_without_content) \
    X(test_first_chunk_timeout_fires_without_content) X(test_first_chunk_timeout_is_retried) \
    X(test_first_chunk_timeout_spares_a_stream_with_content) X(test_usage_after_an_abort_on_every_provider) \
    X(test_usage_complete_only_with_the_final_count) X(test_anthropic_body_carries_the_tables_max_tokens) \
    X(test_server_tools_stay_in_the_message_and_come_back_unchanged) X(test_refusal_pause_and_cut_tool_call_are_results) \
    X(test_finish_reason_is_null_when_the_model_did_not_finish) \
    X(test_cache_counts_of_every_provider) X(test_cache_marks_reach_each_provider_as_it_takes_them) \
    X(test_cache_marks_the_provider_would_refuse_are_refused_before_any_io) \
    X(test_cache_marks_past_the_library_are_refused_by_the_fakes_as_by_the_services) \
    X(test_cache_counts_in_the_span_file_and_otlp_not_in_the_tracia_span) \
    X(test_responses_text_streamed_and_whole) X(test_responses_tools_with_reasoning_follow_up_statelessly) \
    X(test_responses_usage_and_stop_reasons) X(test_responses_failures_keep_partial_text) \
    X(test_responses_chosen_for_models_only_it_serves) X(test_responses_abort_keeps_what_came) X(test_responses_media_parts) X(test_responses_events_in_item_order) \
    X(test_azure_paths_of_each_api_and_version) X(test_azure_credentials_token_key_and_errors) X(test_azure_content_filter) \
    X(test_azure_tool_follow_up_and_abort) \
    X(test_custom_headers_reach_the_provider) X(test_custom_headers_never_replace_the_librarys) \
    X(test_secret_header_values_are_scrubbed) X(test_missing_key_with_a_base_url_is_refused) \
    X(test_keyless_compatible_server_that_wants_a_key_says_where_it_goes) X(test_bad_base_urls_name_their_source_and_value) \
    X(test_vertex_gemini_and_claude_with_a_service_account) X(test_vertex_pkcs1_key_and_global_location) \
    X(test_vertex_tools_with_follow_up) X(test_vertex_errors_in_google_envelope) X(test_vertex_token_refusal_names_the_file) \
    X(test_vertex_revoked_token_is_refreshed_once) X(test_vertex_tokens_refreshed_ahead_during_a_long_run) \
    X(test_vertex_authorized_user_file) X(test_vertex_abort) X(test_vertex_configuration_refused_clearly) \
    X(test_vertex_serves_gemini_models_when_asked) \
    X(test_api_request_prompts_and_spans) X(test_api_request_error_codes) X(test_api_request_refused_before_any_io) \
    X(test_request_functions_with_null) X(test_request_fd_readiness_and_result_twice) \
    X(test_request_abort_and_free_in_flight) X(test_embeddings_of_every_wire_format) \
    X(test_embedding_failures_from_the_providers) X(test_embedding_requests_refused_before_any_io) \
    X(test_embedding_abort_in_flight_records_an_error_span) X(test_embedding_requests_carry_custom_headers)

#define DECLARE(name) void name(void);
TESTS(DECLARE)

static int current_failures;

void harness_fail(const char *file, int line, const char *what, const char *detail) {
    current_failures++;
    fprintf(stderr, "    %s:%d: CHECK(%s) failed%s%s\n", file, line, what, detail ? ": " : "", detail ? detail : "");
}

int exit_child(const char *mode);

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--exit-child") == 0) return exit_child(argv[2]);
    struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
#define ENTRY(name) {#name, name},
        TESTS(ENTRY)
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        int chosen = argc == 1;
        for (int a = 1; a < argc && !chosen; a++) chosen = strstr(tests[i].name, argv[a]) != NULL;
        if (!chosen) continue;
        current_failures = 0;
        tests[i].fn();
        printf("%s %s\n", current_failures ? "FAIL" : "ok  ", tests[i].name);
        fflush(stdout);
        if (current_failures) failed++; else passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
