// Building DOM without HTML strings: every text goes in through textContent, so nothing from a rules
// file, a share link or the engine can ever become markup (issue 6: a strict CSP and hostile input).

/**
 * h("p", {class: "x", text: "Hello"}, child, ...) → HTMLParagraphElement.
 * Props: class, text, dataset, on<event> (addEventListener), boolean true → empty attribute,
 * null/undefined/false → omitted, anything else → setAttribute(name, String(value)).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (/^on/i.test(key)) continue; // never an inline handler from a string
    else if (key === "href") el.setAttribute("href", safeUrl(value));
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Only http(s), mailto and same-site relative URLs become links; anything else (javascript:) is "#". */
export function safeUrl(value) {
  const text = String(value ?? "");
  if (/^(?:[?#]|\.{0,2}\/)/.test(text) && !text.startsWith("//")) return text;
  try {
    const url = new URL(text, document.baseURI);
    if (["http:", "https:", "mailto:"].includes(url.protocol)) return url.href;
  } catch {
    // not a URL at all
  }
  return "#";
}

/** Text only visible to screen readers (e.g. "Change<hidden> where you work</hidden>"). */
export function hidden(text) {
  return h("span", { class: "ipma-visually-hidden", text });
}

/** Moves focus to el (a heading gets tabindex=-1 so it can take focus without joining the tab order). */
export function focus(el) {
  if (!el) return;
  if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block: "nearest" });
}

let uid = 0;
/** A document-unique id with a readable prefix. */
export function uniqueId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}
