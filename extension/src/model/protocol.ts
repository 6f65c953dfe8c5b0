/** The one door to the daemon's wire contract, so the rest of the extension has a single import path to it. */
export * from '#protocol';
