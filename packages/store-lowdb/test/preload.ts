// A preload written in TypeScript, as the bench's probe is (`node --import tsx --import preload.ts ...`): a worker
// thread that inherited it would fail to start, since tsx's hooks are not registered there. Does nothing.
export {};
