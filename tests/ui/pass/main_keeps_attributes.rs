// Doc comments, outer and inner attributes and the visibility survive the expansion.
#![deny(unused_variables)]

/// The entry point, documented.
#[allow(unused_variables)]
#[runtime::main(flavor = "current_thread")]
#[cfg_attr(all(), allow(unused_mut))]
async fn main() {
    #![allow(clippy::let_unit_value)]
    let unused = ();
    let mut unused_mut = 1;
    assert_eq!(unused_mut, 1);
}
