import "./styles.css";

// The entry stays tiny and fetches React and the app as a separate chunk: the browser paints index.html's static
// shell while that chunk downloads and compiles, instead of holding the first paint until the whole bundle ran.
void import("./boot.tsx").then(({ boot }) => boot(document.getElementById("root")!));
