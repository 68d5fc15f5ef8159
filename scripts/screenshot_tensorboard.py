#!/usr/bin/env python3
"""Screenshots of TensorBoard's Graphs tab for the README (docs/tensorboard-*.png).

Start TensorBoard on an image-filter run first, on loopback:
    .build/release/image-filter --size 64 --output /tmp/m --logdir /tmp/tblog
    tensorboard --logdir /tmp/tblog --host 127.0.0.1 --port 6006 &
then: python3 scripts/screenshot_tensorboard.py X,Y [X,Y ...]
Drives headless Chromium (Debian's `chromium`) over the DevTools protocol (pip
websocket-client): loads the Graphs tab, writes /tmp/s0.png, then double-clicks each X,Y (page
pixels of a 1600 × 1000 window) to expand a name-scope box and writes /tmp/s1.png, … after each.
For the README: 439,264 (image_filters), 607,187 (image_filters_1), 457,669 (its conv1).
"""
import base64
import json
import subprocess
import sys
import time
import urllib.request

import websocket


def main():
    proc = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             "--window-size=1600,1000", "--remote-debugging-address=127.0.0.1",
                             "--remote-debugging-port=9222", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:9222/json"))
        page = [t for t in targets if t["type"] == "page"][0]
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], suppress_origin=True)
        counter = [0]

        def call(method, **params):
            counter[0] += 1
            ws.send(json.dumps({"id": counter[0], "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv())
                if message.get("id") == counter[0]:
                    return message.get("result")

        def shot(path):
            with open(path, "wb") as f:
                f.write(base64.b64decode(call("Page.captureScreenshot", format="png")["data"]))

        def double_click(x, y):
            for count in (1, 2):
                for kind in ("mousePressed", "mouseReleased"):
                    call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=count)

        call("Page.enable")
        call("Emulation.setDeviceMetricsOverride", width=1600, height=1000, deviceScaleFactor=1, mobile=False)
        call("Page.navigate", url="http://127.0.0.1:6006/#graphs")
        time.sleep(8)
        shot("/tmp/s0.png")
        for i, point in enumerate(sys.argv[1:]):
            x, y = map(int, point.split(","))
            double_click(x, y)
            time.sleep(3)
            shot(f"/tmp/s{i + 1}.png")
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
