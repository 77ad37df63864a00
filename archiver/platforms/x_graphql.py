"""yt-dlp's X extractor, taught where newer GraphQL answers keep the author's name.

X's TweetResultByRestId answers (the API yt-dlp's TwitterIE asks for a post's video)
used to hold the author under ``core.user_results.result.legacy``; newer ones hold the
name and screen name under ``core.user_results.result.core`` and no ``legacy`` at all.
The stock extractor then writes an info.json with no uploader, and the evidence loses
who posted the video. This subclass reads the author from ``core`` when ``legacy`` has
none, and says so in the info (``uploader_source``), so a reader knows the uploader is
our reading of X's answer and not yt-dlp's. It takes the stock extractor's place in each
yt-dlp run (same key, so the same position in yt-dlp's list).
"""

from __future__ import annotations

from typing import Any

from yt_dlp.extractor.twitter import TwitterIE

FROM_GRAPHQL_CORE = "graphql core"


def graphql_author(data: dict[str, Any]) -> dict[str, str] | None:
    """The author of a TweetResultByRestId answer as the legacy ``user`` yt-dlp expects
    (name, screen_name, id_str), read from the user's ``core``; None when it has none."""
    result = ((data or {}).get("tweetResult") or {}).get("result") or {}
    if result.get("__typename") == "TweetWithVisibilityResults":
        result = result.get("tweet") or {}
    user = ((result.get("core") or {}).get("user_results") or {}).get("result") or {}
    core = user.get("core") or {}
    if not core.get("screen_name"):
        return None
    author = {"name": core.get("name"), "screen_name": core["screen_name"], "id_str": user.get("rest_id")}
    return {k: v for k, v in author.items() if v}


class CoreAuthorTwitterIE(TwitterIE):
    """TwitterIE that falls back to the author under ``core`` (see the module's note)."""

    _uploader_source: str | None = None

    @classmethod
    def ie_key(cls) -> str:
        return TwitterIE.ie_key()

    def _graphql_to_legacy(self, data: dict[str, Any], twid: str) -> dict[str, Any]:
        status = super()._graphql_to_legacy(data, twid)
        author = None if (status.get("user") or {}).get("screen_name") else graphql_author(data)
        if author is not None:
            status["user"] = {**(status.get("user") or {}), **author}
            self._uploader_source = FROM_GRAPHQL_CORE
        return status

    def _real_extract(self, url: str) -> dict[str, Any]:
        self._uploader_source = None
        info = super()._real_extract(url)
        if self._uploader_source:
            for item in (info, *(info.get("entries") or [])):
                item["uploader_source"] = self._uploader_source
        return info
