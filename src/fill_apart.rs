//! Two threads filling one list, the second from an estimated offset.
//!
//! Why: when a file is read on two threads, the second thread's items
//! belong after the first's, but where the first's will end is known only
//! when the first thread is done. Collecting the second thread's items
//! apart and appending them afterwards writes them twice, and the second
//! time into fresh memory: on a million Snapshot votes that copy was 45 ms
//! of one thread, most of it the kernel handing out and zeroing 15,000
//! new pages, after both threads had finished reading.
//!
//! Here the list's spare room is cut in two at an estimate of the first
//! thread's count: the first thread writes at the list's end, the second
//! from the estimate on. Joining moves the second's items down behind the
//! first's, within memory both threads have touched already. A wrong
//! estimate costs speed, never correctness: a thread that runs out of
//! room goes on in a list of its own ([`Filler::push`]), which is
//! appended in order; room left over is only address space.

use std::mem::MaybeUninit;

/// Where one thread puts its items: its share of the list's room, then
/// (when that runs out) a list of its own.
pub(crate) struct Filler<'s, T> {
    slots: &'s mut [MaybeUninit<T>],
    /// The first `filled` slots hold items; the rest are unwritten.
    filled: usize,
    spill: Vec<T>,
}

impl<'s, T> Filler<'s, T> {
    fn new(slots: &'s mut [MaybeUninit<T>]) -> Self {
        Filler {
            slots,
            filled: 0,
            spill: Vec::new(),
        }
    }

    /// A filler without room: every item goes to its own list.
    pub(crate) fn spilling(list: Vec<T>) -> Self {
        Filler {
            slots: &mut [],
            filled: 0,
            spill: list,
        }
    }

    /// Adds `item` after those pushed before.
    #[inline]
    pub(crate) fn push(&mut self, item: T) {
        match self.slots.get_mut(self.filled) {
            Some(slot) => {
                slot.write(item);
                self.filled += 1;
            }
            None => self.spill.push(item),
        }
    }

    /// How many items were pushed.
    pub(crate) fn len(&self) -> usize {
        self.filled + self.spill.len()
    }

    /// The items of a filler without room ([`Filler::spilling`]).
    pub(crate) fn into_spill(mut self) -> Vec<T> {
        assert!(
            self.slots.is_empty(),
            "a filler with room is joined by fill_apart"
        );
        std::mem::take(&mut self.spill)
    }

    /// Gives up the written slots (to the caller, which takes them over)
    /// and returns their count and the spilled items.
    fn disarm(mut self) -> (usize, Vec<T>) {
        let filled = std::mem::replace(&mut self.filled, 0);
        (filled, std::mem::take(&mut self.spill))
    }
}

impl<T> Drop for Filler<'_, T> {
    fn drop(&mut self) {
        let written =
            std::ptr::slice_from_raw_parts_mut(self.slots.as_mut_ptr().cast::<T>(), self.filled);
        // SAFETY: exactly the first `filled` slots were written (`push`)
        // and none was read out (`disarm` sets `filled` to 0 when the
        // items are handed on), so this drops each written item once.
        unsafe { std::ptr::drop_in_place(written) }
    }
}

/// What [`fill_apart`]'s `run` hands back.
pub(crate) enum Joined<'s, T> {
    /// Both fillers' items, the first's then the second's.
    Both(Filler<'s, T>, Filler<'s, T>),
    /// Only the first filler's items (the second's are dropped).
    First(Filler<'s, T>),
}

/// Appends to `list` the items `run` pushes into two fillers: the first
/// with room for `rooms.0` items at the list's end, the second with room
/// for `rooms.1` after those. `run` (which may hand the fillers to other
/// threads) returns the fillers it was given in a [`Joined`], or `None`
/// to drop every item pushed. Each of the second filler's items is passed
/// to `fix` as it is moved into place.
///
/// # Panics
///
/// If `run` returns fillers other than the two it was given.
pub(crate) fn fill_apart<T, R>(
    list: &mut Vec<T>,
    rooms: (usize, usize),
    run: impl for<'s> FnOnce(Filler<'s, T>, Filler<'s, T>) -> Option<(Joined<'s, T>, R)>,
    fix: impl Fn(&mut T),
) -> Option<R> {
    let len = list.len();
    list.reserve_exact(rooms.0.saturating_add(rooms.1));
    // The fillers borrow the list's room in this block only; what leaves
    // it is counts and the spills.
    let (filled, spill, second, result) = {
        let spare = list.spare_capacity_mut();
        let (first_slots, rest) = spare.split_at_mut(rooms.0);
        let second_slots = &mut rest[..rooms.1];
        let (first_at, second_at) = (first_slots.as_ptr(), second_slots.as_ptr());
        let (joined, result) = run(Filler::new(first_slots), Filler::new(second_slots))?;
        let (first, second) = match joined {
            Joined::Both(first, second) => (first, Some(second)),
            Joined::First(first) => (first, None),
        };
        assert!(
            std::ptr::eq(first.slots.as_ptr(), first_at)
                && second
                    .as_ref()
                    .is_none_or(|s| std::ptr::eq(s.slots.as_ptr(), second_at)),
            "fill_apart: run returned fillers it was not given"
        );
        let (filled, spill) = first.disarm();
        (filled, spill, second.map(Filler::disarm), result)
    };
    // SAFETY: the first `filled` slots after `len` were written by `push`
    // and handed over by `disarm`: they are initialized and owned by no
    // one else.
    unsafe { list.set_len(len + filled) };
    let Some((moved, second_spill)) = second else {
        list.extend(spill);
        return Some(result);
    };
    let from = len + rooms.0;
    if spill.is_empty() {
        // The second filler's items move down behind the first's, in order
        // (`to <= from`: each item is read before anything is written over
        // it).
        let to = len + filled;
        let base = list.as_mut_ptr();
        // Items already in place (the first filler used all its room) are
        // only fixed.
        let skip = if to == from { moved } else { 0 };
        for i in 0..skip {
            // SAFETY: as below, with the item left where it is.
            unsafe { fix(&mut *base.add(from + i)) };
        }
        for i in skip..moved {
            // SAFETY: slots `from..from + moved` hold the second filler's
            // written items (handed over by `disarm`), all within the
            // capacity reserved above; `to + i <= from + i`, so item `i` is
            // read before its slot or a later one is written. (A panic in
            // `fix` leaks the items moved so far, which is safe: the
            // list's length does not cover them yet.)
            unsafe {
                let mut item = base.add(from + i).read();
                fix(&mut item);
                base.add(to + i).write(item);
            }
        }
        // SAFETY: slots `to..to + moved` now hold the moved items.
        unsafe { list.set_len(to + moved) };
    } else {
        // The first filler ran out of room: its spill goes first, so the
        // second's items are taken out of the room before the list grows.
        let mut taken = Vec::with_capacity(moved);
        // SAFETY: as above, slots `from..from + moved` hold written items
        // owned by no one else; they are copied into `taken`'s fresh
        // capacity, which then owns them (the list's length never covered
        // those slots, so they are not dropped twice).
        unsafe {
            std::ptr::copy_nonoverlapping(list.as_ptr().add(from), taken.as_mut_ptr(), moved);
            taken.set_len(moved);
        }
        list.extend(spill);
        list.extend(taken.into_iter().map(|mut item| {
            fix(&mut item);
            item
        }));
    }
    list.extend(second_spill.into_iter().map(|mut item| {
        fix(&mut item);
        item
    }));
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items that count their drops (a leak or a double drop shows).
    #[derive(Debug, PartialEq)]
    struct Item(u32, std::rc::Rc<()>);

    fn items(range: std::ops::Range<u32>, token: &std::rc::Rc<()>) -> Vec<Item> {
        range.map(|i| Item(i, token.clone())).collect()
    }

    /// Fills with `a` first items and `b` second items into rooms of the
    /// given sizes; the result must be 0..a followed by 100.. (fixed).
    fn check(rooms: (usize, usize), a: u32, b: u32) {
        let token = std::rc::Rc::new(());
        let mut list = items(0..3, &token);
        fill_apart(
            &mut list,
            rooms,
            |mut first, mut second| {
                for item in items(3..3 + a, &token) {
                    first.push(item);
                }
                for item in items(1000..1000 + b, &token) {
                    second.push(item);
                }
                assert_eq!((first.len(), second.len()), (a as usize, b as usize));
                Some((Joined::Both(first, second), ()))
            },
            |item| item.0 -= 900,
        )
        .unwrap();
        let expected: Vec<u32> = (0..3 + a).chain(100..100 + b).collect();
        assert_eq!(list.iter().map(|i| i.0).collect::<Vec<_>>(), expected);
        assert_eq!(std::rc::Rc::strong_count(&token), 1 + expected.len());
        drop(list);
        assert_eq!(std::rc::Rc::strong_count(&token), 1);
    }

    #[test]
    fn items_land_in_order_whatever_the_estimate() {
        // Exact rooms, too much room, no room, and each side spilling.
        for rooms in [(5, 7), (50, 70), (0, 0), (2, 7), (5, 2), (1, 1), (0, 30)] {
            for (a, b) in [(5, 7), (0, 7), (5, 0), (0, 0), (9, 9)] {
                check(rooms, a, b);
            }
        }
    }

    #[test]
    fn dropped_items_are_dropped_once() {
        let token = std::rc::Rc::new(());
        for keep_second in [None, Some(false)] {
            let mut list = items(0..2, &token);
            let out = fill_apart(
                &mut list,
                (4, 4),
                |mut first, mut second| {
                    for item in items(2..8, &token) {
                        first.push(item);
                    }
                    for item in items(8..14, &token) {
                        second.push(item);
                    }
                    keep_second.map(|_| (Joined::First(first), ()))
                },
                |_| {},
            );
            let expected: Vec<u32> = match out {
                Some(()) => (0..8).collect(),
                None => (0..2).collect(),
            };
            assert_eq!(list.iter().map(|i| i.0).collect::<Vec<_>>(), expected);
            assert_eq!(std::rc::Rc::strong_count(&token), 1 + expected.len());
            drop(list);
            assert_eq!(std::rc::Rc::strong_count(&token), 1);
        }
    }

    #[test]
    #[should_panic(expected = "fillers it was not given")]
    fn fillers_from_elsewhere_are_refused() {
        let mut list = vec![1u8];
        fill_apart(
            &mut list,
            (2, 2),
            |first, _second| Some((Joined::Both(first, Filler::spilling(vec![9])), ())),
            |_| {},
        );
    }
}
