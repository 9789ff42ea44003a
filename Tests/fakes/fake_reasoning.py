"""What the fake providers reason with, fixed so that tests can compare against it: the reasoning
text (multi-byte UTF-8 in every width), the opaque blobs a provider issues with it, and the
reasoning-token count each dialect reports.

The blobs are standard base64 with `+` and `/`, so a client that re-encodes one (URL-safe,
unpadded, re-wrapped) instead of sending it back as received is caught by the follow-up checks.
"""

# Several deltas, each ending on a character boundary; joined they are REASONING_TEXT.
REASONING_PIECES = ("Réflexion", " — 思考", " 🤔 step", " by step.")
REASONING_TEXT = "".join(REASONING_PIECES)

# Scenario `thinking`: the signature of its reasoning (Anthropic, Bedrock, Gemini).
THINKING_SIGNATURE = (
    "pbs5gi4w/js2oLfKhLoQAxMmq5fvp45Yr4ddwvIu+USxf75hXzshkL8ZQ978gv/vl/ckIJtQZEa1uqB2M093fImtWjYmWXV000HGbkOP6XDIDrPcJePJP3Ptbh5Z3UaDDqvqU/at8UZd0HmCA2yhECaJ4bEz47gQlWIS7SQsz3BkofjyJMVQCeWYWDlcrWue21Q/HMZMEUEBRxGBy/l30ySgnL0E1QYTOXhfcaEr2V0bIidH")
# Scenario `thinking-tools`: the signature of the reasoning before the tool calls.
THINKING_TOOLS_SIGNATURE = (
    "qkQW9VJr2jL3EyKpLOLPoKnVesAdVaKNRVUpvgyu3FBZjufFbLicosTLDhCBxkmgmM+FgcIhH/qwsnCV+Uje49so+T15RN1r2Za1mWbqtAJXt2234sXivW0o9qTDt1UGxyel4ukozsKfx37tJlU8MdwxKaaCvlEMajcZw+ntRbRVwk9fxYzaeiyh+OjlWgOKAbaGjytE9Ji1kqiaFFVJIY/5JwjefevOD3lVtxBuQbEwoTpL")
# Scenario `redacted-thinking` (Anthropic): the signature of the thinking block after the redacted one.
REDACTED_THINKING_SIGNATURE = (
    "GjNNsiy/tZ1G3aaX6ZuC9V/FMUqrreku/MoA8VF4xXBhCcTe/QNY+Zsy2tVHcHiEpQ3mmnVGJNidteTSVF0eZguBrQUL1bqdwJ0qC/fj16+PAwbGGUpYJ4EN56mzKKRIzggPyum1tbf0mdhnVZ1Hh50oTZgQYHHyookCJ9oCZAY+88j2/rTu8jnOetqsMAYMvPlHD3I4nb2RJVHfUHCRTUcVInFeGuVHszQ3U+WS06QtA1Ye")
# Scenario `redacted-thinking`: Anthropic's `redacted_thinking.data`, Bedrock's `redactedContent`.
REDACTED_THINKING_DATA = (
    "KlvQiMqUWhVrKBUrxlazL1ySyuZVTqKjNp+xBfBRZRt1MVRDlrjNy8RhhcnF0oB8MUKIP+fhrNfJDnciWnJG5P2OPK98KUZfEcRxF+dDOI/e0Z9JAyUUapGPj7UPMDFrUenkkHFqeXI/k3p+k66P3VQxJwiMA+05EfN0wl6JF+ETyFoVkDqttiQZ23qrDxc9k35mrjTjI/Of5ADLzWK/hBt+21ACYiZQ4zgTVmhmj6E9IAoq")

# Reasoning tokens, distinct per dialect so a test can tell which field a number came from.
# Bedrock's usage has no reasoning field, so it reports none.
ANTHROPIC_THINKING_TOKENS = 37  # usage.output_tokens_details.thinking_tokens
OPENAI_REASONING_TOKENS = 41  # usage.completion_tokens_details.reasoning_tokens
GEMINI_THOUGHTS_TOKENS = 43  # usageMetadata.thoughtsTokenCount

