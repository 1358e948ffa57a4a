declare module 'virtual:forecaster-guide' {
  const data: import('./guide-data.ts').GuideData;
  export default data;
}
