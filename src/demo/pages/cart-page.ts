import { CATALOG } from "../catalog.js";
import type { CartItem } from "../demo-session.js";
import { formatPrice } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { csrfField, type PageContext } from "./layout.js";

/** The shop: the catalog and the cart kept in `session.data.cart`. */
export function cartPage(context: PageContext, cart: readonly CartItem[]): SafeHtml {
  const lines = CATALOG.map((product) => ({ product, quantity: cart.filter((item) => item.sku === product.sku).length })).filter(
    (line) => line.quantity > 0,
  );
  const total = lines.reduce((sum, line) => sum + line.quantity * line.product.priceCents, 0);
  return html`<p class="lead">The cart is a plain array in the session, changed in place through the attribute proxy;
sessionrow notices the nested change and saves it.</p>
<pre>req.session.data.cart ??= [];
req.session.data.cart.push({ sku, addedAt: new Date().toISOString() });</pre>
<div class="grid">
  <section class="card">
    <h2>Products</h2>
    <table>
      ${CATALOG.map(
        (product) => html`<tr>
        <td>${product.name}</td>
        <td class="num">${formatPrice(product.priceCents)}</td>
        <td class="num"><form class="inline" method="post" action="/cart/add">${csrfField(context)}<input type="hidden" name="sku" value="${product.sku}"><button class="small" data-sku="${product.sku}">Add</button></form></td>
      </tr>`,
      )}
    </table>
  </section>
  <section class="card">
    <h2>Your cart</h2>
    ${
      lines.length === 0
        ? html`<p class="muted" id="cart-empty">Your cart is empty.</p>`
        : html`<table id="cart">
        <tr><th>Item</th><th class="num">Qty</th><th class="num">Subtotal</th></tr>
        ${lines.map(
          ({ product, quantity }) =>
            html`<tr><td>${product.name}</td><td class="num">${quantity}</td><td class="num">${formatPrice(quantity * product.priceCents)}</td></tr>`,
        )}
        <tr><td><strong>Total</strong></td><td class="num">${cart.length}</td><td class="num"><strong>${formatPrice(total)}</strong></td></tr>
      </table>
      <form method="post" action="/cart/clear">${csrfField(context)}<button class="danger small">Empty cart</button></form>`
    }
  </section>
</div>
`;
}
