"""Production config: no stack trace reaches the browser, the server listens on loopback and looks nothing up at
start (the real `streamlit run` of it is tests/e2e/test_production_errors.py)."""
import tomllib

from testkit.servers import REPO


def test_config_hides_error_details_and_listens_on_loopback():
    cfg = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["browser"]["serverAddress"] == "localhost"  # manually set: no external-IP lookup at start
    assert cfg["browser"]["gatherUsageStats"] is False
