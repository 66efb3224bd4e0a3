"""OK's request signature, checked against a vector worked out step by step."""

import httpx

from vitrina.channels.providers.ok import signature


def test_signature_known_vector():
    params = {
        "method": "mediatopic.getTopics",
        "application_key": "CBAKLMNOPABCDEFGH",
        "format": "json",
        "gid": "70000001234567",
        "count": "1",
        "access_token": "tkn1abc",  # never part of the signed string
    }
    # 1. md5(access_token + application_secret_key) = md5("tkn1abcsecret42")
    #    = 9612a7bb13c2236d2a89e91e1fd212c8
    # 2. sorted pairs without access_token, joined without separators:
    #    application_key=CBAKLMNOPABCDEFGHcount=1format=jsongid=70000001234567
    #    method=mediatopic.getTopics
    # 3. md5(step 2 + step 1), lower case:
    assert signature(params, "tkn1abc", "secret42") == "bcc9ef599c497d66504005c4619f0302"


def test_the_sandbox_rejects_a_wrong_signature_with_error_104(sandbox):
    account = sandbox.account("ok:group/70000001234567")
    params = {
        "method": "group.getCounters",
        "application_key": account.tokens["application_key"],
        "format": "json",
        "group_id": account.external_id,
    }
    good = signature(
        params, account.tokens["access_token"], account.tokens["application_secret_key"]
    )
    url = sandbox.api_url("ok") + "/fb.do"
    ok = httpx.post(url, data=dict(params, sig=good, access_token=account.tokens["access_token"]))
    assert "invocation-error" not in ok.headers
    assert ok.json()["counters"]["members"] > 1000
    bad = httpx.post(
        url, data=dict(params, sig="0" * 32, access_token=account.tokens["access_token"])
    )
    assert bad.headers["invocation-error"] == "104"
    assert bad.json()["error_code"] == 104
