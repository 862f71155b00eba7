//! Twin of the asyncio streams docs' TCP echo server and client, in one program: the
//! server echoes what a connection sends and closes it; the client sends
//! `Hello World!`, prints the answer, and the program ends.
//!
//! ```python
//! async def handle_echo(reader, writer):
//!     data = await reader.read(100)
//!     message = data.decode()
//!     addr = writer.get_extra_info('peername')
//!     print(f"Received {message!r} from {addr!r}")
//!     print(f"Send: {message!r}")
//!     writer.write(data)
//!     await writer.drain()
//!     print("Close the connection")
//!     writer.close()
//!     await writer.wait_closed()
//!
//! async def main():
//!     server = await asyncio.start_server(handle_echo, '127.0.0.1', 8888)
//!     addrs = ', '.join(str(sock.getsockname()) for sock in server.sockets)
//!     print(f'Serving on {addrs}')
//!     async with server:
//!         await server.serve_forever()
//!
//! async def tcp_echo_client(message):
//!     reader, writer = await asyncio.open_connection('127.0.0.1', 8888)
//!     print(f'Send: {message!r}')
//!     writer.write(message.encode())
//!     await writer.drain()
//!     data = await reader.read(100)
//!     print(f'Received: {data.decode()!r}')
//!     print('Close the connection')
//!     writer.close()
//!     await writer.wait_closed()
//! ```
//!
//! `asyncio.start_server` is `TcpListener::bind` plus an accept loop that spawns a task
//! per connection; `open_connection` is `TcpStream::connect`; `writer.write` + `drain`
//! is `write_all(..).await` (it returns once the kernel took every byte); `writer.close`
//! is dropping the stream. The server binds port 0 (any free port) so two runs never
//! collide; pass a port as the first argument to pick one, as the Python program does
//! with 8888.
//!
//! The accept loop backs off for 100 ms when `accept` fails (at the process's file
//! descriptor limit, `EMFILE`, it would otherwise spin at full CPU): connections already
//! open close and free descriptors, and accepting resumes.
use std::net::SocketAddr;
use std::time::Duration;

use runtime::net::{TcpListener, TcpStream};

async fn handle_echo(stream: TcpStream, addr: SocketAddr) -> std::io::Result<()> {
    let mut data = [0u8; 100];
    let n = stream.read(&mut data).await?;
    let message = String::from_utf8_lossy(&data[..n]);
    println!("Received {message:?} from {addr}");
    println!("Send: {message:?}");
    stream.write_all(&data[..n]).await?;
    println!("Close the connection");
    Ok(()) // dropping the stream closes it
}

/// `server.serve_forever()`: accepts connections and serves each in its own task.
async fn serve_forever(listener: TcpListener) {
    loop {
        match listener.accept().await {
            Ok((stream, addr)) => {
                runtime::spawn(async move {
                    if let Err(e) = handle_echo(stream, addr).await {
                        eprintln!("connection from {addr}: {e}");
                    }
                });
            }
            // EMFILE/ENFILE and friends: back off instead of spinning.
            Err(e) => {
                eprintln!("accept failed: {e}; retrying in 100 ms");
                runtime::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn tcp_echo_client(addr: SocketAddr, message: &str) -> std::io::Result<()> {
    let stream = TcpStream::connect(addr).await?;
    println!("Send: {message:?}");
    stream.write_all(message.as_bytes()).await?;
    let mut data = [0u8; 100];
    let n = stream.read(&mut data).await?;
    println!("Received: {:?}", String::from_utf8_lossy(&data[..n]));
    println!("Close the connection");
    Ok(())
}

#[runtime::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args().nth(1).map_or(0, |p| {
        p.parse()
            .expect("the first argument is a port number, e.g. 8888")
    });
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    println!("Serving on {addr}");
    // The server runs beside the client (a dropped handle detaches its task); the
    // runtime drops it when `main` returns.
    let _server = runtime::spawn(serve_forever(listener));
    tcp_echo_client(addr, "Hello World!").await
}
