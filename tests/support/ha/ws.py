"""Home Assistant's websocket API, one session: run inside the HA root by its own Python
(aiohttp is HA's), by tests/support/ha/drive.py. Reads a JSON list of commands on stdin, prints
the list of their results. Usage: python ws.py URL TOKEN < commands.json
"""

import asyncio
import json
import sys

import aiohttp


async def session(url, token, commands):
    results = []
    async with aiohttp.ClientSession() as client, client.ws_connect(url, max_msg_size=0) as ws:
        await ws.receive_json()  # auth_required
        await ws.send_json({"type": "auth", "access_token": token})
        answer = await ws.receive_json()
        if answer.get("type") != "auth_ok":
            raise SystemExit(f"websocket auth failed: {answer}")
        for number, command in enumerate(commands, 1):
            await ws.send_json({"id": number, **command})
            while True:
                reply = await ws.receive_json()
                if reply.get("id") == number and reply.get("type") == "result":
                    results.append(reply)
                    break
    return results


if __name__ == "__main__":
    print(json.dumps(asyncio.run(session(sys.argv[1], sys.argv[2], json.load(sys.stdin)))))
