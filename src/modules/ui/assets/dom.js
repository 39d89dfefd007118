// Small helpers to build HTML and SVG from code. Text is always set as text (never parsed as
// markup): names in an answer come from the user's cluster.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
    );
  }
  return node;
}

/** An HTML element: h('p', { class: 'x', text: 'hello' }) or h('ul', {}, h('li', { text: 'a' })). */
export function h(tag, attrs, ...children) {
  return apply(document.createElement(tag), attrs, children);
}

/** An SVG element, the same way. */
export function s(tag, attrs, ...children) {
  return apply(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Empties a node and puts the children in. */
export function fill(node, ...children) {
  node.replaceChildren();
  return apply(node, {}, children);
}

let canvas = null;
/** Width in CSS pixels of `text` in the font the diagram uses (see ui.css, .diagram text). */
export function measurer(font) {
  canvas ??= document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  return (text) => {
    ctx.font = font;
    return ctx.measureText(text).width;
  };
}

/** Runs `fn` on Enter or Space (as a button does), and on click. */
export function activate(node, fn) {
  node.addEventListener('click', (event) => fn(event));
  node.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      fn(event);
    }
  });
}
