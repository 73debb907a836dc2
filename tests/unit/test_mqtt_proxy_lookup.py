"""paho's proxy lookup, imported only when used (edges/mqtt/proxy_lookup.py).

Fresh interpreters: the lookup changes what the whole process imports.
"""

import json
import subprocess
import sys

from tests.support.paths import REPO

REAL = ("def real(name):\n"
        "    module = sys.modules.get(name)\n"
        "    return module is not None and type(module).__name__ != 'DeferredModule'\n")


def fresh(code: str, env: dict[str, str] | None = None) -> list:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=True,
                          env={"PATH": "/usr/bin:/bin", **(env or {})})
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_mqtt_proxy_lookup_paho_loads_no_urllib_request_with_tls_on_or_off():
    for tls in ("false", "true"):
        state = fresh(
            "import json, sys\n" + REAL +
            "from unslump.app.integrations import keep_paho_lean\n"
            "from unslump.config.file import Config, MqttConfig\n"
            f"keep_paho_lean(Config(mqtt=MqttConfig(host='broker', tls={tls.title()})))\n"
            "import paho.mqtt.client as paho\n"
            "client = paho.Client(paho.CallbackAPIVersion.VERSION2)\n"
            "print(json.dumps([client._get_proxy(), real('ssl'),\n"
            "                  [m for m in ('urllib.request', 'http.client', 'email.message',\n"
            "                               'tempfile') if real(m)]]))\n")
        assert state == [None, tls == "true", []]


def test_mqtt_proxy_lookup_still_reads_the_environment_where_pysocks_is_installed():
    """With PySocks, paho reads an ``mqtt_proxy`` from the environment through
    urllib.request: that import happens then, and the proxy is found as before."""
    state = fresh(
        "import json, sys, types\n" + REAL +
        "socks = types.ModuleType('socks')\n"  # PySocks, as far as paho looks at it
        "socks.HTTP, socks.SOCKS4, socks.SOCKS5 = 3, 1, 2\n"
        "socks.get_default_proxy = lambda: None\n"
        "sys.modules['socks'] = socks\n"
        "from unslump.app.integrations import keep_paho_lean\n"
        "from unslump.config.file import Config, MqttConfig\n"
        "keep_paho_lean(Config(mqtt=MqttConfig(host='broker')))\n"
        "import paho.mqtt.client as paho\n"
        "before = real('urllib.request')\n"
        "client = paho.Client(paho.CallbackAPIVersion.VERSION2)\n"
        "client._host = 'broker'\n"
        "print(json.dumps([before, client._get_proxy(), real('urllib.request')]))\n",
        env={"mqtt_proxy": "http://proxy.lan:3128"})
    assert state == [False, {"proxy_type": 3, "proxy_addr": "proxy.lan", "proxy_port": 3128},
                     True]
