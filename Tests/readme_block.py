"""The code blocks of README.md that tests run as written. Each is marked by an HTML comment on
the line before its fence, `<!-- tested: NAME -->`, so the text a reader copies is the text run.

    python3 Tests/readme_block.py NAME    prints the block
"""
import os
import re
import sys

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "README.md")


def block(name, readme=README):
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    found = re.search(rf"^<!-- tested: {re.escape(name)} -->\n```[\w+-]*\n(.*?)^```$", text, re.M | re.S)
    if not found:
        raise LookupError(f"README.md has no code block marked <!-- tested: {name} -->")
    return found.group(1)


if __name__ == "__main__":
    sys.stdout.write(block(sys.argv[1]))
