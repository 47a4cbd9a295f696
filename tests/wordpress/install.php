<?php
// php install.php SITE_DIR URL: install WordPress into the configured database, then print
// the seeded site as JSON (see seed.php). ABSPATH is the test site's folder, whose
// wp-config.php points at the test database; the code is Debian's /usr/share/wordpress.
define('ABSPATH', rtrim($argv[1], '/') . '/');
define('WP_INSTALLING', true);
$parts = parse_url($argv[2]);
$_SERVER['HTTP_HOST'] = $parts['host'] . ':' . $parts['port'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
// Pluggable: no mail server here, so send no "your new site" email.
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {}
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$installed = wp_install('Kind Corner', 'ana', 'ana@kind.example', true, '', wp_slash('ana-login-pass'));
update_option('permalink_structure', '/%postname%/');
flush_rewrite_rules(false);
// The sample post, page and comment would only add noise to the checks.
foreach (get_posts(array('post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1)) as $p) {
    wp_delete_post($p->ID, true);
}
require __DIR__ . '/seed.php';
