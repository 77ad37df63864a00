"""A report as dense with citations as a link dump: what made extraction quadratic."""

from __future__ import annotations


def dense_report(size: int) -> str:
    """About ``size`` characters of Markdown: sentences citing links, @handles, bare platform
    links and Markdown links, with runs of links and handles that have no full stop at all."""
    parts = ["# Report\n\n"]
    total = 0
    i = 0
    while total < size:
        i += 1
        channel, user = f"chan_{i % 997}", f"war_{i % 300}"
        sentence = (
            f"The channel @{channel} posted https://t.me/{channel}/{i} showing the strike. "
            f"A video (https://www.youtube.com/watch?v=v{i:010d}&utm_source=x) was shared. "
            f"See x.com/user{i % 500}/status/{10**15 + i}, and Rybar on Telegram. "
            f"Twitter account {user} said so [source](https://twitter.com/{user}/status/{i})."
        )
        if i % 3 == 0:  # a run without sentence ends
            sentence += (
                f" https://example.org/{i}/a @user_{i % 400} x.com/u{i}/status/{i} https://example.org/{i}/b"
            )
        sentence += "\n\n" if i % 7 == 0 else " "
        parts.append(sentence)
        total += len(sentence)
    return "".join(parts)
