// Stands in for core-js 2 polyfill modules (see vite.config.ts): the build targets ES2022 browsers.
export {};
