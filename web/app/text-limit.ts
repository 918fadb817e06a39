/**
 * The server's limits on a todo's text, said as the person types: at most 1,000 characters (Unicode code points,
 * as the API counts them: shared/domain/validation.ts) and no control characters. What a paste brings in is
 * cleaned (a tab or a line break becomes a space), and text over the limit is never sent nor thrown away: it stays
 * in the input, with a note saying by how much to shorten it.
 */
export const MAX_TODO_CHARS = 1000;
/** From this many characters on, the count is shown. */
const SHOW_FROM = 900;

/** How many characters the API counts in `text`. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** `text` with what the API refuses replaced: control characters by a space, lone surrogates dropped. */
export function cleanText(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) out += " ";
    else if (code >= 0xd800 && code <= 0xdfff) continue;
    else out += char;
  }
  return out;
}

/** Whether `text` (trimmed) can be sent as a todo's text. */
export function fits(text: string): boolean {
  return charCount(text.trim()) <= MAX_TODO_CHARS;
}

/**
 * Watches an input: cleans what is typed or pasted into it, and shows under it how close the text is to the limit,
 * or how far over. Answers a function that shows the note again (after an Enter that was refused, say).
 */
export function watchLimit(input: HTMLInputElement): () => void {
  const note = document.createElement("p");
  note.className = "text-limit";
  note.setAttribute("role", "status");
  note.hidden = true;
  input.after(note);
  const show = () => {
    const count = charCount(input.value.trim());
    const over = count - MAX_TODO_CHARS;
    note.hidden = count < SHOW_FROM;
    note.dataset.over = String(over > 0);
    note.textContent =
      over > 0
        ? `${over} character${over === 1 ? "" : "s"} over the limit of ${MAX_TODO_CHARS}: shorten it to save it (nothing you typed is lost).`
        : `${count} of ${MAX_TODO_CHARS} characters.`;
  };
  input.addEventListener("input", () => {
    const cleaned = cleanText(input.value);
    if (cleaned !== input.value) {
      const caret = input.selectionStart;
      input.value = cleaned;
      if (caret !== null) input.setSelectionRange(caret, caret);
    }
    show();
  });
  return show;
}
