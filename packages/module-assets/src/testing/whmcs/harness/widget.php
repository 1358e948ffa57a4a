<?php
/* The admin dashboard with only our widget on it: WHMCS loads every addon's hooks.php, then asks
 * the AdminHomeWidgets hooks for their widgets. */

require __DIR__ . '/init.php';
require HARNESS_ROOT . '/modules/addons/commitment_forecaster/hooks.php';

echo file_get_contents(HARNESS_ROOT . '/harness/chrome-head.html');
foreach (run_hook('AdminHomeWidgets', array()) as $widget) {
    echo '<div class="panel panel-default cf-harness-widget"><div class="panel-heading"><h3 class="panel-title">'
        . htmlspecialchars($widget->getTitle()) . '</h3></div><div class="panel-body">'
        . $widget->generateOutput($widget->getData()) . '</div></div>';
}
echo file_get_contents(HARNESS_ROOT . '/harness/chrome-foot.html');
