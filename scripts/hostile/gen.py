#!/usr/bin/env python3
"""Writes the hostile pages of issue 16 (item 1 and 4) to a directory; stdlib only.

usage: gen.py OUT_DIR   -> td_table.html, p_figures.html, nested_div.html,
                           many_attrs.html, entities.html (each within the 10 MiB cap)
"""
import os
import sys

CAP = 10 * 1024 * 1024
HEAD = '<html><head><meta charset="utf-8"><title>hostile</title></head><body>'
TAIL = '</body></html>'


def td_table():
    cell = '<td>1万元</td>'
    row = '<tr>' + cell * 20 + '</tr>'
    n = (CAP - 200) // len(row.encode())
    return HEAD + '<table>' + row * n + '</table>' + TAIL


def pages():
    return {
        'td_table.html': td_table(),
        'p_figures.html': HEAD + '<p>增长3%</p>' * 200_000 + TAIL,
        'nested_div.html': HEAD + '<div>' * 200_000 + 'x' + '</div>' * 200_000 + TAIL,
        'many_attrs.html': HEAD + '<p ' + ' '.join(f'a{i}=1' for i in range(300_000)) + '>x</p>' + TAIL,
        'entities.html': HEAD + '<p>' + '&amp;' * 1_000_000 + '</p>' + TAIL,
    }


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith('-'):
        sys.exit(__doc__.strip())
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, text in pages().items():
        data = text.encode()
        assert len(data) <= CAP, (name, len(data))
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
        print(name, len(data))


if __name__ == '__main__':
    main()
