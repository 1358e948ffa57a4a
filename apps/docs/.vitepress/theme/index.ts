import DefaultTheme from 'vitepress/theme';
import './custom.css';

// The default theme, with a few rules for the reference tables and the guide's pictures.
export default DefaultTheme;
