#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that delays every chunk by DELAY seconds in each direction (the machine has no netem).
Usage: delay-proxy.py TARGET_PORT DELAY PORT_FILE — binds a free port, writes it to PORT_FILE, serves until killed."""
import asyncio, sys

target_port, delay, port_file = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]

async def pipe(reader, writer):
    # Each chunk is delivered DELAY after it arrived, in order, without holding back the chunks behind it.
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()
    async def deliver():
        while True:
            due, data = await queue.get()
            await asyncio.sleep(max(0, due - loop.time()))
            if data is None:
                writer.close()
                return
            writer.write(data)
            await writer.drain()
    sender = asyncio.create_task(deliver())
    try:
        while data := await reader.read(65536):
            queue.put_nowait((loop.time() + delay, data))
    finally:
        queue.put_nowait((loop.time() + delay, None))
        await sender

async def handle(client_reader, client_writer):
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer), return_exceptions=True)

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    import os; os.rename(port_file + ".tmp", port_file)
    await server.serve_forever()

asyncio.run(main())
