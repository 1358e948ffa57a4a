import './styles.css';
import { render } from 'preact';

const root = document.getElementById('commitment-forecaster');
if (root) render(<div class="panel panel-default">Commitment Forecaster</div>, root);
