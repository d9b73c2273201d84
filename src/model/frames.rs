//! Where WebSocket frames ended inside each received MQTT packet.
//!
//! MQTT over WebSocket is a byte stream: a frame may hold several packets, and a packet
//! may span several frames. [`FrameMap`] records each inbound frame's length as it
//! arrives and, as the core hands out packets in stream order, says for each packet
//! where inside it a frame ended, so the inspector can draw a boundary after those bytes.

use std::collections::VecDeque;

/// The most frame ends kept waiting for their packets; older ones are dropped (the
/// inspector then shows fewer boundaries, never wrong ones for later packets).
pub const MAX_PENDING_FRAMES: usize = 4096;

/// Frame boundaries of one inbound stream, matched to the packets read from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameMap {
    /// Stream offsets where a received frame ended and no packet has reached yet.
    ends: VecDeque<u64>,
    /// Bytes received in frames.
    received: u64,
    /// Bytes taken by packets.
    taken: u64,
}

impl FrameMap {
    /// An empty map at the start of a stream.
    pub fn new() -> Self {
        FrameMap::default()
    }

    /// Records a received frame of `len` bytes. Empty frames carry no boundary and are
    /// ignored.
    pub fn push_frame(&mut self, len: usize) {
        if len == 0 {
            return;
        }
        self.received = self.received.saturating_add(len as u64);
        if self.ends.len() >= MAX_PENDING_FRAMES {
            self.ends.pop_front();
        }
        self.ends.push_back(self.received);
    }

    /// Takes the next `len` bytes of the stream as one packet and returns the offsets
    /// inside it (from 1 to `len - 1`, increasing) where a frame ended. The packet's own
    /// end is never listed, even when a frame ended there too, so a packet that came in
    /// one frame of its own, or that closed a frame, gets no marker.
    ///
    /// If packets claim more bytes than the frames brought (the two disagree, as after a
    /// reconnect without [`FrameMap::reset`]), the map drops what it knew and starts over
    /// at the end of this packet.
    pub fn take_packet(&mut self, len: usize) -> Vec<usize> {
        let start = self.taken;
        let end = start.saturating_add(len as u64);
        let mut inside = Vec::new();
        while let Some(&e) = self.ends.front() {
            if e > end {
                break;
            }
            self.ends.pop_front();
            if e > start && e < end {
                inside.extend(usize::try_from(e - start).ok());
            }
        }
        self.taken = end;
        if end > self.received {
            self.received = end;
            self.ends.clear();
        }
        inside
    }

    /// Bytes received that no packet has taken yet (a partial packet).
    pub fn pending_bytes(&self) -> u64 {
        self.received.saturating_sub(self.taken)
    }

    /// Forgets everything, for a new connection.
    pub fn reset(&mut self) {
        *self = FrameMap::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(frames: &[usize]) -> FrameMap {
        let mut m = FrameMap::new();
        for &f in frames {
            m.push_frame(f);
        }
        m
    }

    #[test]
    fn one_packet_per_frame_has_no_markers() {
        let mut m = map(&[4, 2, 10]);
        assert_eq!(m.take_packet(4), Vec::<usize>::new());
        assert_eq!(m.take_packet(2), Vec::<usize>::new());
        assert_eq!(m.take_packet(10), Vec::<usize>::new());
        assert_eq!(m.pending_bytes(), 0);
    }

    #[test]
    fn a_packet_spanning_frames_lists_each_inner_end() {
        let mut m = map(&[3, 3, 4]);
        assert_eq!(m.take_packet(10), [3, 6]);
        assert_eq!(
            m,
            FrameMap {
                ends: VecDeque::new(),
                received: 10,
                taken: 10
            }
        );
    }

    #[test]
    fn a_frame_holding_several_packets() {
        let mut m = map(&[10]);
        assert_eq!(m.take_packet(4), Vec::<usize>::new());
        assert_eq!(m.pending_bytes(), 6);
        assert_eq!(m.take_packet(6), Vec::<usize>::new());
    }

    #[test]
    fn frames_and_packets_straddling_each_other() {
        // Frames: 0..5, 5..12, 12..14; packets: 0..3, 3..8, 8..14.
        let mut m = map(&[5, 7, 2]);
        assert_eq!(m.take_packet(3), Vec::<usize>::new());
        assert_eq!(m.take_packet(5), [2]);
        assert_eq!(m.take_packet(6), [4]);
    }

    #[test]
    fn frames_may_arrive_between_packets() {
        let mut m = map(&[2]);
        m.push_frame(0);
        m.push_frame(3);
        assert_eq!(m.take_packet(4), [2]);
        m.push_frame(5);
        assert_eq!(m.take_packet(6), [1]);
    }

    #[test]
    fn disagreement_resynchronises_at_the_packet_end() {
        let mut m = map(&[2]);
        assert_eq!(m.take_packet(5), [2]);
        assert_eq!(m.pending_bytes(), 0);
        m.push_frame(3);
        m.push_frame(1);
        assert_eq!(m.take_packet(4), [3]);
        assert_eq!(m.take_packet(0), Vec::<usize>::new());
        assert_eq!(m.take_packet(usize::MAX).len(), 0);
    }

    #[test]
    fn reset_starts_a_new_stream() {
        let mut m = map(&[7, 7]);
        m.take_packet(3);
        m.reset();
        assert_eq!(m, FrameMap::new());
        m.push_frame(2);
        m.push_frame(2);
        assert_eq!(m.take_packet(4), [2]);
    }

    #[test]
    fn pending_frames_are_bounded() {
        let mut m = FrameMap::new();
        for _ in 0..MAX_PENDING_FRAMES + 10 {
            m.push_frame(1);
        }
        assert_eq!(m.ends.len(), MAX_PENDING_FRAMES);
        // The dropped oldest ends are simply missing from the first packet's markers.
        let marks = m.take_packet(MAX_PENDING_FRAMES + 10);
        assert_eq!(marks.len(), MAX_PENDING_FRAMES - 1);
        assert_eq!(marks.first(), Some(&11));
    }
}
