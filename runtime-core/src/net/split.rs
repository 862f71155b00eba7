//! Splitting a stream into a reading and a writing half, written once for TCP and Unix
//! streams (see `stream_api.rs` for why a macro).
//!
//! - `split(&mut self)` lends two halves that borrow the stream: no allocation, both
//!   usable at once (each direction has its own readiness and waiters).
//! - `into_split(self)` moves the stream into an `Arc` shared by two owned halves, for
//!   separate tasks. `reunite` puts them back together, and refuses halves of different
//!   streams. Dropping the owned writing half shuts the writing direction down (as
//!   tokio does), so the peer reads end of stream; a half given back to `reunite` does
//!   not.

/// The halves of `$Stream` (whose source type is `$Io`) in the invoking module, with
/// `split`, `into_split`, `reunite` and the `futures_io` traits.
/// `$setup` is the doc-example prelude that makes `stream` and `peer`.
macro_rules! stream_split {
    ($Stream:ident, $Io:ty, $setup:expr) => {
        use std::sync::Arc;

        impl $Stream {
            /// Splits the stream into a reading and a writing half that borrow it, for
            /// reading and writing at once in one task (`join`, `select`). No
            /// allocation; see [`into_split`](Self::into_split) for halves that move
            /// into separate tasks.
            ///
            /// With `futures::io::AsyncReadExt` in scope, `stream.split()` calls that
            /// trait's `split` (it takes `self`, so method lookup finds it first); write
            #[doc = concat!("`", stringify!($Stream), "::split(&mut stream)` for this one.")]
            ///
            /// # Examples
            ///
            /// ```
            /// # runtime::run(async {
            #[doc = $setup]
            /// let (reader, writer) = stream.split();
            /// writer.write_all(b"ping").await?;
            /// let mut buf = [0u8; 4];
            /// let n = peer.read(&mut buf).await?;
            /// peer.write_all(&buf[..n]).await?;
            /// let n = reader.read(&mut buf).await?;
            /// assert_eq!(&buf[..n], b"ping");
            /// # std::io::Result::Ok(())
            /// # }).unwrap();
            /// ```
            pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
                let this: &Self = self;
                (ReadHalf(this), WriteHalf(this))
            }

            /// Splits the stream into owned reading and writing halves, which can move
            /// into separate tasks; [`OwnedReadHalf::reunite`] puts them back together.
            /// Dropping the writing half shuts the writing direction down.
            ///
            /// # Examples
            ///
            /// ```
            /// # runtime::run(async {
            #[doc = $setup]
            /// let (reader, writer) = stream.into_split();
            /// let echo = runtime::spawn(async move {
            ///     let mut buf = [0u8; 64];
            ///     let n = reader.read(&mut buf).await?;
            ///     writer.write_all(&buf[..n]).await
            /// });
            /// peer.write_all(b"ping").await?;
            /// echo.await.unwrap()?;
            /// let mut buf = [0u8; 64];
            /// let n = peer.read(&mut buf).await?;
            /// assert_eq!(&buf[..n], b"ping");
            /// # std::io::Result::Ok(())
            /// # }).unwrap();
            /// ```
            pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
                let inner = Arc::new(self);
                let read = OwnedReadHalf {
                    inner: inner.clone(),
                };
                (
                    read,
                    OwnedWriteHalf {
                        inner,
                        shutdown_on_drop: true,
                    },
                )
            }
        }

        #[doc = concat!("The reading half of a [`", stringify!($Stream), "`] borrowed by [`",
                    stringify!($Stream), "::split`].")]
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        /// let (reader, _writer) = stream.split();
        /// peer.write_all(b"hello").await?;
        /// let mut buf = [0u8; 64];
        /// let n = reader.read(&mut buf).await?;
        /// assert_eq!(&buf[..n], b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        #[derive(Debug)]
        pub struct ReadHalf<'a>(&'a $Stream);

        #[doc = concat!("The writing half of a [`", stringify!($Stream), "`] borrowed by [`",
                    stringify!($Stream), "::split`].")]
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        /// let (_reader, writer) = stream.split();
        /// writer.write_all(b"hello").await?;
        /// let mut buf = [0u8; 64];
        /// let n = peer.read(&mut buf).await?;
        /// assert_eq!(&buf[..n], b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        #[derive(Debug)]
        pub struct WriteHalf<'a>(&'a $Stream);

        #[doc = concat!("The owned reading half of a [`", stringify!($Stream), "`], from [`",
                    stringify!($Stream), "::into_split`].")]
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        /// let (reader, _writer) = stream.into_split();
        /// let task = runtime::spawn(async move {
        ///     let mut buf = [0u8; 64];
        ///     let n = reader.read(&mut buf).await?;
        ///     std::io::Result::Ok(buf[..n].to_vec())
        /// });
        /// peer.write_all(b"hello").await?;
        /// assert_eq!(task.await.unwrap()?, b"hello");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        #[derive(Debug)]
        pub struct OwnedReadHalf {
            inner: Arc<$Stream>,
        }

        #[doc = concat!("The owned writing half of a [`", stringify!($Stream), "`], from [`",
                    stringify!($Stream), "::into_split`]. Dropping it shuts the writing direction \
            down (the peer reads end of stream), unless it goes back to `reunite`.")]
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        /// let (_reader, writer) = stream.into_split();
        /// runtime::spawn(async move { writer.write_all(b"bye").await })
        ///     .await
        ///     .unwrap()?;
        /// // The writer was dropped at the end of its task: end of stream follows.
        /// let mut got = Vec::new();
        /// let mut buf = [0u8; 64];
        /// loop {
        ///     match peer.read(&mut buf).await? {
        ///         0 => break,
        ///         n => got.extend_from_slice(&buf[..n]),
        ///     }
        /// }
        /// assert_eq!(got, b"bye");
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        #[derive(Debug)]
        pub struct OwnedWriteHalf {
            inner: Arc<$Stream>,
            shutdown_on_drop: bool,
        }

        /// The halves given to `reunite` came from different streams; here they are
        /// back.
        ///
        /// # Examples
        ///
        /// ```
        /// # runtime::run(async {
        #[doc = $setup]
        /// let (reader, _w) = stream.into_split();
        /// let (_r, writer) = peer.into_split();
        /// let err = reader.reunite(writer).unwrap_err();
        /// let (_reader, _writer) = (err.0, err.1);
        /// # std::io::Result::Ok(())
        /// # }).unwrap();
        /// ```
        #[derive(Debug)]
        pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

        impl std::fmt::Display for ReuniteError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::error::REUNITE_MISMATCH)
            }
        }

        impl std::error::Error for ReuniteError {}

        impl OwnedReadHalf {
            #[doc = concat!("Puts the halves back together into the [`", stringify!($Stream),
                        "`] they came from.")]
            ///
            /// # Errors
            ///
            /// [`ReuniteError`], holding both halves, when they came from different
            /// streams.
            ///
            /// # Examples
            ///
            /// ```
            /// # runtime::run(async {
            #[doc = $setup]
            /// let (reader, writer) = stream.into_split();
            /// let stream = reader.reunite(writer).expect("halves of one stream");
            /// peer.write_all(b"hi").await?;
            /// let mut buf = [0u8; 2];
            /// assert_eq!(stream.read(&mut buf).await?, 2);
            /// # std::io::Result::Ok(())
            /// # }).unwrap();
            /// ```
            pub fn reunite(self, other: OwnedWriteHalf) -> Result<$Stream, ReuniteError> {
                if !Arc::ptr_eq(&self.inner, &other.inner) {
                    return Err(ReuniteError(self, other));
                }
                let mut other = other;
                other.shutdown_on_drop = false;
                drop(other);
                match Arc::try_unwrap(self.inner) {
                    Ok(stream) => Ok(stream),
                    Err(_) => unreachable!("the two halves hold the only references"),
                }
            }
        }

        impl OwnedWriteHalf {
            #[doc = concat!("Puts the halves back together into the [`", stringify!($Stream),
                        "`] they came from; see [`OwnedReadHalf::reunite`].")]
            ///
            /// # Errors
            ///
            /// [`ReuniteError`], holding both halves, when they came from different
            /// streams.
            ///
            /// # Examples
            ///
            /// ```
            /// # runtime::run(async {
            #[doc = $setup]
            /// let (reader, writer) = stream.into_split();
            /// let _stream = writer.reunite(reader).expect("halves of one stream");
            /// # std::io::Result::Ok(())
            /// # }).unwrap();
            /// ```
            pub fn reunite(self, other: OwnedReadHalf) -> Result<$Stream, ReuniteError> {
                other.reunite(self)
            }
        }

        impl Drop for OwnedWriteHalf {
            fn drop(&mut self) {
                if self.shutdown_on_drop {
                    // The peer may be gone already (`NotConnected`): nothing to do then.
                    let _ = self.inner.stream().shutdown_write();
                }
            }
        }

        impl ReadHalf<'_> {
            fn stream(&self) -> &$crate::net::stream::Stream<$Io> {
                self.0.stream()
            }
            $crate::net::stream_api::stream_read_api!(
                $setup,
                "let (io, _writer) = stream.split();"
            );
        }

        impl WriteHalf<'_> {
            fn stream(&self) -> &$crate::net::stream::Stream<$Io> {
                self.0.stream()
            }
            $crate::net::stream_api::stream_write_api!(
                $setup,
                "let (_reader, io) = stream.split();"
            );
        }

        impl OwnedReadHalf {
            fn stream(&self) -> &$crate::net::stream::Stream<$Io> {
                self.inner.stream()
            }
            $crate::net::stream_api::stream_read_api!(
                $setup,
                "let (io, _writer) = stream.into_split();"
            );
        }

        impl OwnedWriteHalf {
            fn stream(&self) -> &$crate::net::stream::Stream<$Io> {
                self.inner.stream()
            }
            $crate::net::stream_api::stream_write_api!(
                $setup,
                "let (_reader, io) = stream.into_split();"
            );
        }

        impl AsRef<$Stream> for ReadHalf<'_> {
            fn as_ref(&self) -> &$Stream {
                self.0
            }
        }

        impl AsRef<$Stream> for WriteHalf<'_> {
            fn as_ref(&self) -> &$Stream {
                self.0
            }
        }

        impl AsRef<$Stream> for OwnedReadHalf {
            fn as_ref(&self) -> &$Stream {
                &self.inner
            }
        }

        impl AsRef<$Stream> for OwnedWriteHalf {
            fn as_ref(&self) -> &$Stream {
                &self.inner
            }
        }

        $crate::net::stream_api::impl_async_read!($Stream, &$Stream, ReadHalf<'_>, OwnedReadHalf);
        $crate::net::stream_api::impl_async_write!(
            $Stream,
            &$Stream,
            WriteHalf<'_>,
            OwnedWriteHalf
        );
    };
}

pub(crate) use stream_split;
