/** A product the demo shop sells. */
export interface Product {
  sku: string;
  name: string;
  priceCents: number;
}

/** The demo shop's whole catalog. */
export const CATALOG: readonly Product[] = [
  { sku: "mug", name: "Quixote coffee mug", priceCents: 1200 },
  { sku: "tee", name: "“Sessions are rows” T-shirt", priceCents: 2400 },
  { sku: "sticker", name: "Sticker pack", priceCents: 400 },
  { sku: "book", name: "Web-SIG debates, annotated", priceCents: 3500 },
];
