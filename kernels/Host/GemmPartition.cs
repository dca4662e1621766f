namespace NativeDsp.Kernels.Host;

/// <summary>
/// How one product's C is cut among threads: a grid of RowParts x ColParts tiles, one per thread, on whole
/// MR-row and NR-column panels. Each thread packs the A rows and B columns its tile needs, so cutting rows
/// makes every row part pack all of B's columns again and cutting columns makes every column part pack A
/// again; the grid minimises, for the busiest thread, its multiply-adds (padding included) plus its packing
/// (a packed float costs about as much as <see cref="PackCost"/> multiply-adds: a copy moves one vector per
/// cycle where the micro-kernel retires two FMA vectors). Small products use fewer threads: below
/// <see cref="MinWorkPerThread"/> multiply-adds per thread the pool's wake-up (~5-20 us) costs more than it saves.
/// </summary>
readonly record struct GemmPartition(int RowParts, int ColParts, int RowPanels, int ColPanels)
{
    /// <summary>Multiply-adds per extra thread below which it does not pay (~20 us at ~50 GFLOP/s).</summary>
    public const long MinWorkPerThread = 1L << 19;

    const int PackCost = 4;

    /// <summary>Number of tiles (threads used).</summary>
    public int Count => RowParts * ColParts;

    /// <summary>The partition of an m x n x k product for at most <paramref name="threads"/> threads.</summary>
    public static GemmPartition Choose(GemmBlockSizes s, int m, int n, int k, int threads)
    {
        int rowPanels = (m + s.MR - 1) / s.MR, colPanels = (n + s.NR - 1) / s.NR;
        long work = (long)m * n * k;
        int useful = (int)Math.Clamp(work / MinWorkPerThread, 1, Math.Max(1, threads));
        var best = new GemmPartition(1, 1, rowPanels, colPanels);
        double bestCost = double.MaxValue;
        for (int t = useful; t >= 1 && bestCost == double.MaxValue; t--)
            for (int rows = 1; rows <= t; rows++)
            {
                if (t % rows != 0) continue;
                int cols = t / rows;
                if (rows > rowPanels || cols > colPanels) continue;
                double tileRows = (double)((rowPanels + rows - 1) / rows) * s.MR;
                double tileCols = (double)((colPanels + cols - 1) / cols) * s.NR;
                double cost = k * (tileRows * tileCols + PackCost * (tileRows + tileCols));
                if (cost < bestCost) { bestCost = cost; best = new GemmPartition(rows, cols, rowPanels, colPanels); }
            }
        return best;
    }

    /// <summary>Rows and columns of C covered by tile <paramref name="tile"/> (row-major over the grid).</summary>
    public (int RowStart, int RowEnd, int ColStart, int ColEnd) Bounds(int tile, int m, int n, int mr, int nr)
    {
        int rp = tile / ColParts, cp = tile % ColParts;
        int rowStart = (int)((long)RowPanels * rp / RowParts) * mr;
        int rowEnd = Math.Min(m, (int)((long)RowPanels * (rp + 1) / RowParts) * mr);
        int colStart = (int)((long)ColPanels * cp / ColParts) * nr;
        int colEnd = Math.Min(n, (int)((long)ColPanels * (cp + 1) / ColParts) * nr);
        return (rowStart, rowEnd, colStart, colEnd);
    }
}
