// Functions run one per turn of the event loop, in the order they were given (each call's promise settles with it):
// for work that is short alone but stalls the loop when many finish together.
export class TurnQueue {
  readonly #queue: (() => void)[] = [];
  #scheduled = false;

  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => {
        try {
          resolve(fn());
        } catch (error) {
          reject(error);
        }
      });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#queue.shift()!();
      this.#schedule();
    });
  }
}
