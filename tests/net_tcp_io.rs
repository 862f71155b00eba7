//! TCP streams through the ecosystem's I/O traits (`futures_util::io` utilities on the
//! streams, `&` references and halves), splitting and `reunite`, and reads into
//! uninitialized memory; both runtime flavors.
mod support;

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use runtime::io::ReadBuf;
use runtime::net::{TcpListener, TcpStream};
use support::on_both_flavors;

async fn connected_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// An echo server made of `futures_util::io::copy` between the owned halves; the
/// client uses `write_all`, `read_exact` and `close` (which shuts its writing half
/// down, ending the server's copy, whose dropped writing half then ends the client's
/// reading).
#[test]
fn futures_io_copy_between_owned_halves() {
    on_both_flavors(|| async {
        let (mut client, server) = connected_pair().await;
        let echo = runtime::spawn(async move {
            let (mut reader, mut writer) = server.into_split();
            futures_util::io::copy(&mut reader, &mut writer)
                .await
                .unwrap()
        });
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let (mut reader, mut writer) = TcpStream::split(&mut client);
        let send = async {
            writer.write_all(&data).await.unwrap();
            writer.close().await.unwrap();
        };
        let mut got = vec![0u8; data.len()];
        let recv = async { reader.read_exact(&mut got).await.unwrap() };
        futures_util::future::join(send, recv).await;
        assert!(got == data, "the echo differs");
        assert_eq!(echo.await.unwrap(), data.len() as u64);
        let mut rest = Vec::new();
        assert_eq!(client.read_to_end(&mut rest).await.unwrap(), 0);
    });
}

/// The traits on the stream itself and on `&TcpStream`, vectored writes included.
#[test]
fn futures_io_on_the_stream_and_on_references() {
    on_both_flavors(|| async {
        let (mut client, server) = connected_pair().await;
        let bufs = [
            std::io::IoSlice::new(b"one "),
            std::io::IoSlice::new(b"two "),
            std::io::IoSlice::new(b"three"),
        ];
        let n = client.write_vectored(&bufs).await.unwrap();
        assert_eq!(n, 13);
        client.flush().await.unwrap();
        let mut got = [0u8; 13];
        (&server).read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"one two three");
        AsyncWriteExt::write_all(&mut &server, b"reply")
            .await
            .unwrap();
        let mut got = [0u8; 5];
        client.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"reply");
        client.close().await.unwrap();
        let mut rest = Vec::new();
        assert_eq!((&server).read_to_end(&mut rest).await.unwrap(), 0);
    });
}

/// Borrowed halves read and write at once; `write_all`/`read_exact` from futures on
/// them and the inherent methods agree.
#[test]
fn borrowed_halves_work_at_once() {
    on_both_flavors(|| async {
        let (mut client, mut server) = connected_pair().await;
        // `AsyncReadExt::split` (by value) would win over the inherent `split` here.
        let (sr, sw) = TcpStream::split(&mut server);
        let echo = async {
            let mut buf = [0u8; 1024];
            loop {
                let n = sr.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                sw.write_all(&buf[..n]).await.unwrap();
            }
        };
        let (mut cr, cw) = TcpStream::split(&mut client);
        let talk = async {
            for round in 0..50u8 {
                let msg = [round; 100];
                cw.write_all(&msg).await.unwrap();
                let mut got = [0u8; 100];
                cr.read_exact(&mut got).await.unwrap();
                assert_eq!(got, msg);
            }
            cw.shutdown().unwrap();
        };
        futures_util::future::join(echo, talk).await;
        assert_eq!(
            sr.as_ref().peer_addr().unwrap(),
            cw.as_ref().local_addr().unwrap()
        );
    });
}

/// `reunite` gives the stream back from its own halves, and refuses halves of two
/// different streams, handing them back intact.
#[test]
fn reunite_matching_and_mismatched_halves() {
    on_both_flavors(|| async {
        let (client, server) = connected_pair().await;
        let (cr, cw) = client.into_split();
        let (sr, sw) = server.into_split();
        let err = cr.reunite(sw).unwrap_err();
        assert!(err.to_string().contains("different streams"), "{err}");
        let runtime::net::tcp::ReuniteError(cr, sw) = err;
        let err = cw.reunite(sr).unwrap_err();
        let runtime::net::tcp::ReuniteError(sr, cw) = err;
        let client = cr.reunite(cw).unwrap();
        let server = sw.reunite(sr).unwrap();
        // Reuniting did not shut anything down: both directions still work.
        client.write_all(b"still open").await.unwrap();
        let mut buf = [0u8; 10];
        let mut n = 0;
        while n < 10 {
            n += server.read(&mut buf[n..]).await.unwrap();
        }
        assert_eq!(&buf, b"still open");
        server.write_all(b"yes").await.unwrap();
        let mut buf = [0u8; 3];
        client.read(&mut buf).await.unwrap();
    });
}

/// Dropping an owned writing half shuts the writing direction down: the peer reads
/// end of stream while the reading half still receives.
#[test]
fn dropping_the_owned_write_half_shuts_down_writing() {
    on_both_flavors(|| async {
        let (client, server) = connected_pair().await;
        let (reader, writer) = client.into_split();
        writer.write_all(b"last words").await.unwrap();
        drop(writer);
        let mut got = Vec::new();
        (&server).read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"last words");
        server.write_all(b"heard").await.unwrap();
        let mut buf = [0u8; 5];
        let mut n = 0;
        while n < 5 {
            n += reader.read(&mut buf[n..]).await.unwrap();
        }
        assert_eq!(&buf, b"heard");
    });
}

/// `read_buf` into `ReadBuf::uninit` over a `Vec`'s spare capacity: no zero-filling,
/// and the filled part is exactly what was sent; `try_read_buf` and `poll_read_buf`
/// append after it.
#[test]
fn read_into_uninitialized_spare_capacity() {
    on_both_flavors(|| async {
        let (client, server) = connected_pair().await;
        client.write_all(b"uninit").await.unwrap();
        let mut vec: Vec<u8> = Vec::with_capacity(64);
        let mut buf = ReadBuf::uninit(vec.spare_capacity_mut());
        while buf.filled().len() < 6 {
            server.read_buf(&mut buf).await.unwrap();
        }
        client.write_all(b" memory").await.unwrap();
        while buf.filled().len() < 13 {
            server.readable().await.unwrap();
            match server.try_read_buf(&mut buf) {
                Ok(n) => assert!(n > 0),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => panic!("{e}"),
            }
        }
        client.write_all(b"!").await.unwrap();
        while buf.filled().len() < 14 {
            std::future::poll_fn(|cx| server.poll_read_buf(cx, &mut buf))
                .await
                .unwrap();
        }
        let filled = buf.filled().len();
        assert_eq!(buf.filled(), b"uninit memory!");
        // SAFETY: the first `filled` bytes of the spare capacity were written by the
        // reads above (`ReadBuf` counts only initialized, filled bytes).
        unsafe { vec.set_len(filled) };
        assert_eq!(vec, b"uninit memory!");
    });
}
