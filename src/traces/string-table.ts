/** Longest text kept; the rest of a longer one (a client's made-up model name) is cut. */
const maxLength = 500;

/**
 * Interns the repeated texts of trace lines (key, profile, model, provider,
 * session names) so that each row holds small numbers; 0 stands for null.
 * Grows with the distinct values only.
 */
export class StringTable {
  readonly #ids = new Map<string, number>();
  readonly #texts: Array<string | null> = [null];

  idOf(text: string | null | undefined): number {
    if (text === null || text === undefined) return 0;
    const kept = text.length > maxLength ? text.slice(0, maxLength) : text;
    let id = this.#ids.get(kept);
    if (id === undefined) {
      id = this.#texts.length;
      this.#texts.push(kept);
      this.#ids.set(kept, id);
    }
    return id;
  }

  /** The id of a text already seen, 0 for null, or undefined when no row holds it. */
  find(text: string | null): number | undefined {
    return text === null ? 0 : this.#ids.get(text);
  }

  text(id: number): string | null {
    return this.#texts[id] ?? null;
  }

  get size(): number {
    return this.#texts.length - 1;
  }
}
