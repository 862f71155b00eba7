//! Helpers shared by the integration tests: drop counters, a std-only oneshot channel, a
//! waker stash, a tiny executor for awaiting runtime futures from plain threads, and a
//! panic hook that records where panics happened.
//!
//! Everything here is built on `std` only, so a test never depends on the runtime to check
//! the runtime. Each test binary uses a subset of these helpers.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, MutexGuard, Once};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

/// The wall-clock bound for anything a test waits on. Never a synchronization device: it
/// only turns a hang into a failure.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Panic messages containing this text are not printed by the hook from
/// [`install_panic_hook`]; tests use it for panics they provoke on purpose.
pub const EXPECTED: &str = "expected panic";

/// A current-thread runtime with default settings.
/// `runtime::run` on the current-thread flavor: for tests of single-thread scheduling
/// order (which task runs when), which a multi-thread runtime makes nondeterministic.
pub fn run_local<F: std::future::Future>(future: F) -> F::Output {
    rt().block_on(future)
}

pub fn rt() -> runtime::Runtime {
    runtime::Builder::new_current_thread()
        .build()
        .expect("building a current-thread runtime")
}

/// A current-thread runtime whose clock starts paused (what
/// `#[runtime::test(start_paused = true)]` builds), for tests that need the runtime value.
pub fn rt_paused() -> runtime::Runtime {
    runtime::Builder::new_current_thread()
        .start_paused(true)
        .build()
        .expect("building a paused current-thread runtime")
}

/// A multi-thread runtime with `workers` workers.
pub fn rt_multi(workers: usize) -> runtime::Runtime {
    runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .expect("building a multi-thread runtime")
}

/// Locks `m`, ignoring poisoning (a test that panicked while holding it already failed).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------------------------------
// Drop counting

/// Counts how many of the [`DropToken`]s it handed out were dropped, and on which threads.
#[derive(Clone, Default)]
pub struct DropCounter {
    inner: Arc<DropInner>,
}

#[derive(Default)]
struct DropInner {
    drops: AtomicUsize,
    threads: Mutex<HashSet<ThreadId>>,
}

impl DropCounter {
    /// A counter at zero.
    pub fn new() -> DropCounter {
        DropCounter::default()
    }

    /// A token that counts one drop when it is dropped.
    pub fn token(&self) -> DropToken {
        DropToken {
            counter: self.clone(),
        }
    }

    /// Drops so far.
    pub fn count(&self) -> usize {
        self.inner.drops.load(SeqCst)
    }

    /// The threads the drops happened on.
    pub fn threads(&self) -> HashSet<ThreadId> {
        lock(&self.inner.threads).clone()
    }

    /// `fut`, holding a token: the count goes up when the future is dropped (polled or
    /// not, finished or cancelled).
    pub fn wrap<F: Future>(&self, fut: F) -> impl Future<Output = F::Output> {
        let token = self.token();
        async move {
            let _token = token;
            fut.await
        }
    }

    /// A future that never finishes and counts its drop.
    pub fn pending<T>(&self) -> impl Future<Output = T> {
        self.wrap(std::future::pending())
    }
}

/// Increments its [`DropCounter`] (and records the thread) when dropped.
pub struct DropToken {
    counter: DropCounter,
}

impl Drop for DropToken {
    fn drop(&mut self) {
        lock(&self.counter.inner.threads).insert(thread::current().id());
        self.counter.inner.drops.fetch_add(1, SeqCst);
    }
}

/// Sets a flag when dropped; the flag can be read from anywhere.
pub struct NotifyOnDrop {
    flag: Arc<AtomicBool>,
}

impl NotifyOnDrop {
    /// The guard and the flag it sets.
    pub fn new() -> (NotifyOnDrop, Arc<AtomicBool>) {
        let flag = Arc::new(AtomicBool::new(false));
        (NotifyOnDrop { flag: flag.clone() }, flag)
    }
}

impl Drop for NotifyOnDrop {
    fn drop(&mut self) {
        self.flag.store(true, SeqCst);
    }
}

/// Panics (with [`EXPECTED`] in the message) when dropped, unless the thread is already
/// unwinding.
pub struct PanicOnDrop(pub &'static str);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        if !thread::panicking() {
            panic!("{EXPECTED}: {}", self.0);
        }
    }
}

// ---------------------------------------------------------------------------------------
// A oneshot channel on std primitives

struct Slot<T> {
    value: Option<T>,
    waker: Option<Waker>,
    sender_gone: bool,
}

/// The sending half of [`oneshot`].
pub struct Sender<T> {
    shared: Arc<Mutex<Slot<T>>>,
}

/// The receiving half of [`oneshot`]: a future yielding `Some(value)`, or `None` when the
/// sender was dropped without sending.
pub struct Receiver<T> {
    shared: Arc<Mutex<Slot<T>>>,
}

/// A single-value channel whose receiver is a future; sending wakes the receiver's waker
/// on the sending thread.
pub fn oneshot<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Mutex::new(Slot {
        value: None,
        waker: None,
        sender_gone: false,
    }));
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared },
    )
}

impl<T> Sender<T> {
    /// Stores `value` and wakes the receiver (outside the lock).
    pub fn send(self, value: T) {
        let waker = {
            let mut slot = lock(&self.shared);
            slot.value = Some(value);
            slot.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Whether the receiver has been polled and is waiting.
    pub fn receiver_waiting(&self) -> bool {
        lock(&self.shared).waker.is_some()
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut slot = lock(&self.shared);
            slot.sender_gone = true;
            slot.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Option<T>;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut slot = lock(&self.shared);
        if let Some(v) = slot.value.take() {
            return Poll::Ready(Some(v));
        }
        if slot.sender_gone {
            return Poll::Ready(None);
        }
        slot.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

// ---------------------------------------------------------------------------------------
// Wakers

/// A shared place where a future leaves a clone of its waker, for another thread (or a
/// test after shutdown) to wake it.
#[derive(Clone, Default)]
pub struct WakerStash {
    slot: Arc<Mutex<Option<Waker>>>,
}

impl WakerStash {
    /// An empty stash.
    pub fn new() -> WakerStash {
        WakerStash::default()
    }

    /// A future that stores its waker here on every poll and finishes once `done` is set
    /// (never, if `done` is `None`).
    pub fn park_until(&self, done: Option<Arc<AtomicBool>>) -> impl Future<Output = ()> {
        let slot = self.slot.clone();
        std::future::poll_fn(move |cx| {
            if done.as_ref().is_some_and(|d| d.load(SeqCst)) {
                return Poll::Ready(());
            }
            *lock(&slot) = Some(cx.waker().clone());
            Poll::Pending
        })
    }

    /// A future that stores its waker here and never finishes.
    pub fn pending(&self) -> impl Future<Output = ()> {
        self.park_until(None)
    }

    /// Whether a waker has been stored.
    pub fn is_set(&self) -> bool {
        lock(&self.slot).is_some()
    }

    /// A clone of the stored waker.
    pub fn get(&self) -> Option<Waker> {
        lock(&self.slot).clone()
    }

    /// Takes the stored waker out.
    pub fn take(&self) -> Option<Waker> {
        lock(&self.slot).take()
    }
}

/// A waker that counts its wakes.
pub struct CountingWaker {
    wakes: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, SeqCst);
    }
}

/// A waker and the number of times it was woken.
pub fn counting_waker() -> (Waker, Arc<CountingWaker>) {
    let inner = Arc::new(CountingWaker {
        wakes: AtomicUsize::new(0),
    });
    (Waker::from(inner.clone()), inner)
}

impl CountingWaker {
    /// Wakes so far.
    pub fn count(&self) -> usize {
        self.wakes.load(SeqCst)
    }
}

/// Polls `fut` once with `waker`.
pub fn poll_with<F: Future + Unpin>(fut: &mut F, waker: &Waker) -> Poll<F::Output> {
    let mut cx = Context::from_waker(waker);
    std::pin::Pin::new(fut).poll(&mut cx)
}

struct ThreadWaker(thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `fut` to completion on this thread without any runtime: polls, parks until
/// woken. Panics if no wake arrives within [`PATIENCE`].
pub fn block_on_std<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        let now = Instant::now();
        assert!(now < deadline, "block_on_std: the future was never woken");
        thread::park_timeout(deadline - now);
    }
}

/// Yields to the runtime until `cond` holds; panics after `max_yields` yields.
pub async fn yield_until(mut cond: impl FnMut() -> bool, max_yields: usize, what: &str) {
    for _ in 0..max_yields {
        if cond() {
            return;
        }
        runtime::yield_now().await;
    }
    assert!(cond(), "still waiting after {max_yields} yields: {what}");
}

/// Yields to the runtime until `cond` holds (something another thread does); panics after
/// [`PATIENCE`].
pub async fn yield_until_patient(mut cond: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + PATIENCE;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        runtime::yield_now().await;
    }
}

// ---------------------------------------------------------------------------------------
// Panics

/// A panic caught by [`catch_panic`]: its message and where it was raised.
#[derive(Debug, Clone)]
pub struct CaughtPanic {
    /// The payload as text.
    pub message: String,
    /// The file of the panic location.
    pub file: String,
    /// The line of the panic location.
    pub line: u32,
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
    static LAST: RefCell<Option<(String, u32)>> = const { RefCell::new(None) };
}

/// Installs (once per test binary) a panic hook that records each panic's location for
/// [`catch_panic`] and stays silent for panics inside `catch_panic` and panics whose
/// message contains [`EXPECTED`]; every other panic is printed as usual.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(loc) = info.location() {
                let loc = (loc.file().to_string(), loc.line());
                LAST.with(|l| *l.borrow_mut() = Some(loc));
            }
            let msg = payload_text(info.payload());
            if QUIET.with(|q| q.get()) || msg.contains(EXPECTED) {
                return;
            }
            prev(info);
        }));
    });
}

/// The text of a panic payload (`&str` or `String`), or a placeholder.
pub fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string payload>".to_string()
    }
}

/// Runs `f`, catching a panic it raises on this thread together with its location.
pub fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, CaughtPanic> {
    install_panic_hook();
    let prev = QUIET.with(|q| q.replace(true));
    LAST.with(|l| *l.borrow_mut() = None);
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(prev));
    res.map_err(|payload| {
        let (file, line) = LAST
            .with(|l| l.borrow_mut().take())
            .unwrap_or_else(|| ("<unknown>".to_string(), 0));
        CaughtPanic {
            message: payload_text(&*payload),
            file,
            line,
        }
    })
}

// ---------------------------------------------------------------------------------------
// Type checks

/// Compiles only for `Send` types.
pub fn assert_send<T: Send>() {}
/// Compiles only for `Sync` types.
pub fn assert_sync<T: Sync>() {}
/// Compiles only for `Clone` types.
pub fn assert_clone<T: Clone>() {}

/// A one-way latch on std primitives: blocking jobs `wait` on it, the test `open`s it.
#[derive(Clone, Default)]
pub struct Gate {
    inner: Arc<(Mutex<bool>, std::sync::Condvar)>,
}

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }

    pub fn open(&self) {
        *lock(&self.inner.0) = true;
        self.inner.1.notify_all();
    }

    pub fn is_open(&self) -> bool {
        *lock(&self.inner.0)
    }

    /// Blocks until the gate opens; panics after [`PATIENCE`] (a hang, not a timing).
    pub fn wait(&self) {
        let (mutex, cv) = &*self.inner;
        let deadline = Instant::now() + PATIENCE;
        let mut open = lock(mutex);
        while !*open {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "gate never opened");
            open = cv
                .wait_timeout(open, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// Polls `cond` from a plain thread until it holds; panics after [`PATIENCE`].
pub fn wait_until(mut cond: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + PATIENCE;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        thread::sleep(Duration::from_millis(1));
    }
}

/// Runs `test()` to completion on a current-thread runtime, then again on a two-worker
/// multi-thread one, each under [`PATIENCE`] (a hang fails instead of stalling CI).
pub fn on_both_flavors<F, Fut>(test: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    for rt in [rt(), rt_multi(2)] {
        rt.block_on(async {
            runtime::timeout(PATIENCE, test())
                .await
                .expect("the test timed out");
        });
    }
}

/// Awaits `fut`, failing the test after [`PATIENCE`] instead of hanging.
pub async fn patient<T>(fut: impl Future<Output = T>) -> T {
    runtime::timeout(PATIENCE, fut)
        .await
        .expect("timed out waiting (PATIENCE)")
}
