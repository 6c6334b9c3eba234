/** What a form's field holds ('' for none), as typed: not trimmed, so passwords keep their spaces. */
export function formText(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === 'string' ? value : '';
}

/** Domains typed into one field, separated by commas or spaces. */
export function domainList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}
