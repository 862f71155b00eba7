//! Twin of asyncio's `run_in_executor` program: blocking file I/O on the default pool and
//! on a pool of our own, and CPU-bound work on a pool sized to the cores.
//!
//! ```python
//! def blocking_io():
//!     # File operations (such as logging) can block the
//!     # event loop: run them in a thread pool.
//!     with open('/dev/urandom', 'rb') as f:
//!         return f.read(100)
//!
//! def cpu_bound():
//!     # CPU-bound operations will block the event loop:
//!     # in general it is preferable to run them in a
//!     # process pool.
//!     return sum(i * i for i in range(10 ** 7))
//!
//! async def main():
//!     loop = asyncio.get_running_loop()
//!
//!     # 1. Run in the default loop's executor:
//!     result = await loop.run_in_executor(None, blocking_io)
//!     print('default thread pool', result)
//!
//!     # 2. Run in a custom thread pool:
//!     with concurrent.futures.ThreadPoolExecutor() as pool:
//!         result = await loop.run_in_executor(pool, blocking_io)
//!         print('custom thread pool', result)
//!
//!     # 3. Run in a custom process pool:
//!     with concurrent.futures.ProcessPoolExecutor() as pool:
//!         result = await loop.run_in_executor(pool, cpu_bound)
//!         print('custom process pool', result)
//!
//! asyncio.run(main())
//! ```
//!
//! `runtime::spawn_blocking(f)` is `run_in_executor(None, f)`, `runtime::run_in_executor(
//! &pool, f)` is `run_in_executor(pool, f)`. Rust has no GIL, so CPU-bound work needs no
//! processes: `ThreadPool::cpu()` has one thread per core. The bytes are printed the way
//! Python prints `bytes`.
//!
//! Run it with `cargo run --release --example run_in_executor`.
use std::io::Read;

/// Reads 100 bytes of `/dev/urandom` (a blocking read).
fn blocking_io() -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; 100];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// The sum of the squares below 10^7 (CPU-bound).
fn cpu_bound() -> u128 {
    (0..10_u128.pow(7)).map(|i| i * i).sum()
}

/// `bytes` as Python's `repr` shows it: `b'...'` with `\xNN` escapes.
fn py_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("b'");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('\'');
    out
}

#[runtime::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Run in the runtime's default blocking pool:
    let result = runtime::spawn_blocking(blocking_io).await??;
    println!("default thread pool {}", py_bytes(&result));

    // 2. Run in a custom thread pool (dropping it lets its threads go, without waiting):
    {
        let pool = runtime::ThreadPool::new(4)?;
        let result = runtime::run_in_executor(&pool, blocking_io).await??;
        println!("custom thread pool {}", py_bytes(&result));
    }

    // 3. CPU-bound work on a pool with one thread per core (asyncio's process pool):
    {
        let pool = runtime::ThreadPool::cpu()?;
        let result = runtime::run_in_executor(&pool, cpu_bound).await?;
        println!("custom cpu pool {result}");
    }
    Ok(())
}
