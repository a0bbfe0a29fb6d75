// Integration tests wait on real emulators and real redelivery timers (visibility timeouts).
jest.setTimeout(60_000);
